/** One IPAM pool of a network, as Docker's IPAM.Config entries. */
export type IpamConfig = {
  Subnet: string;
  Gateway: string;
  IPRange?: string;
  /** --aux-address: names → addresses IPAM never hands out. */
  AuxiliaryAddresses?: Record<string, string>;
};

/** What wharf persists per network (<data-root>/networks/<id>.json). */
export type NetworkRecord = {
  id: string;
  name: string;
  driver: string;
  /** RFC 3339 with nanoseconds. */
  created: string;
  internal: boolean;
  attachable: boolean;
  enableIPv6: boolean;
  labels: Record<string, string>;
  options: Record<string, string>;
  ipam: {
    driver: string;
    options: Record<string, string>;
    config: IpamConfig[];
  };
  /** The subnets were given by the user (Docker allows --ip only then). */
  userSubnets: boolean;
};

/** What the user asked for one container on one network (create or connect). */
export type EndpointConfig = {
  networkId: string;
  aliases: string[];
  /** Static addresses (--ip, --ip6), "" for dynamic. */
  ipv4: string;
  ipv6: string;
  links: string[];
  /** --mac-address, "" to derive it from the address. */
  mac: string;
};

/** An endpoint while the container runs. */
export type ActiveEndpoint = {
  networkId: string;
  endpointId: string;
  ifname: string;
  /** CIDR forms, "" when none. */
  ipv4: string;
  ipv6: string;
  mac: string;
  gateway: string;
  ipv6Gateway: string;
};

/** A published port as allocated. */
export type PortBinding = {
  proto: "tcp" | "udp";
  containerPort: number;
  /** "" = every address (shown as 0.0.0.0). */
  hostIp: string;
  hostPort: number;
};

/**
 * A container's networking (<data-root>/networks/sandboxes/<containerId>.json):
 * its endpoint configs, and while it runs, its namespace, live endpoints and
 * ports. Restart of wharfd rebuilds IPAM and rules from `active`.
 */
export type SandboxRecord = {
  containerId: string;
  /** The container's name (no slash) and hostname when last created or started: for views and DNS. */
  name: string;
  hostname: string;
  endpoints: EndpointConfig[];
  active?: {
    netnsPath: string;
    sandboxId: string;
    endpoints: ActiveEndpoint[];
    ports: PortBinding[];
  };
};
