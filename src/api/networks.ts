/**
 * Engine API wire types for /networks (API v1.50, field names exactly as
 * Docker sends them).
 */

/** One IPAM pool. */
export type IpamPoolConfig = {
  Subnet?: string;
  IPRange?: string;
  Gateway?: string;
  AuxiliaryAddresses?: Record<string, string>;
};

/** Body of POST /networks/create. */
export type NetworkCreateBody = {
  Name: string;
  Driver?: string;
  Scope?: string;
  Internal?: boolean;
  Attachable?: boolean;
  Ingress?: boolean;
  ConfigOnly?: boolean;
  ConfigFrom?: { Network: string };
  EnableIPv4?: boolean;
  EnableIPv6?: boolean;
  IPAM?: {
    Driver?: string;
    Config?: IpamPoolConfig[] | null;
    Options?: Record<string, string> | null;
  };
  Options?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
};

/** 201 body of POST /networks/create. */
export type NetworkCreateResponse = { Id: string; Warning: string };

/** A container's entry in a network's inspect. */
export type NetworkContainer = {
  Name: string;
  EndpointID: string;
  MacAddress: string;
  IPv4Address: string;
  IPv6Address: string;
};

/** GET /networks/{id} and the rows of GET /networks. */
export type NetworkInspect = {
  Name: string;
  Id: string;
  Created: string;
  Scope: string;
  Driver: string;
  EnableIPv4: boolean;
  EnableIPv6: boolean;
  IPAM: {
    Driver: string;
    Options: Record<string, string> | null;
    Config: IpamPoolConfig[];
  };
  Internal: boolean;
  Attachable: boolean;
  Ingress: boolean;
  ConfigFrom: { Network: string };
  ConfigOnly: boolean;
  Containers: Record<string, NetworkContainer>;
  Options: Record<string, string>;
  Labels: Record<string, string>;
};

/** EndpointSettings as create's NetworkingConfig and connect send them. */
export type EndpointSettingsBody = {
  IPAMConfig?: {
    IPv4Address?: string;
    IPv6Address?: string;
    LinkLocalIPs?: string[];
  } | null;
  Links?: string[] | null;
  Aliases?: string[] | null;
  MacAddress?: string;
  DriverOpts?: Record<string, string> | null;
  GwPriority?: number;
};

/** Body of POST /networks/{id}/connect. */
export type NetworkConnectBody = {
  Container: string;
  EndpointConfig?: EndpointSettingsBody | null;
};

/** Body of POST /networks/{id}/disconnect. */
export type NetworkDisconnectBody = { Container: string; Force?: boolean };

/** 200 body of POST /networks/prune. */
export type NetworkPruneResponse = { NetworksDeleted: string[] | null };
