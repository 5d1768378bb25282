/** A network as a driver sees it. */
export type NetworkSpec = {
  id: string;
  name: string;
  driver: string;
  options: Record<string, string>;
  internal: boolean;
  /** IPv4 first; gateway is the address the driver owns or routes through. */
  subnets: { subnet: string; gateway: string }[];
};

/** One container's attachment to one network. */
export type Endpoint = {
  containerId: string;
  /** Path of the container's network namespace. */
  netnsPath: string;
  /** Interface name inside the namespace: eth0, eth1, ... */
  ifname: string;
  /** Addresses in CIDR form, e.g. "172.25.0.10/24". */
  addresses: string[];
  /** Default gateway to install, or undefined for none. */
  gateway: string | undefined;
  mac: string;
};

/** What a network driver does on the host. All methods are idempotent. */
export interface NetworkDriver {
  readonly name: string;
  /** Creates host-side objects (bridge, rules, parent sub-interface); throws InvalidArgumentError/UnavailableError with a clear message when it cannot. */
  createNetwork(n: NetworkSpec): Promise<void>;
  /** Removes what createNetwork made. */
  deleteNetwork(n: NetworkSpec): Promise<void>;
  /** Plumbs the endpoint's interface into its namespace with addresses and route. */
  join(n: NetworkSpec, e: Endpoint): Promise<void>;
  /** Removes the endpoint's interface. */
  leave(n: NetworkSpec, e: Endpoint): Promise<void>;
}
