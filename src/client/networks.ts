/** client.networks: the /networks endpoints, with the wire shapes the CLI reads and sends. */
import type { Transport } from "./transport.ts";
import type { Filters } from "./types.ts";

/** One IPAM pool of a network (IPAMConfig). */
export type NetworkIpamConfig = {
  Subnet?: string;
  IPRange?: string;
  Gateway?: string;
  AuxiliaryAddresses?: Record<string, string>;
};

/** A container's endpoint as network inspect lists it (NetworkContainer). */
export type NetworkContainer = {
  Name: string;
  EndpointID: string;
  MacAddress: string;
  IPv4Address: string;
  IPv6Address: string;
};

/** GET /networks and /networks/{id} (Network); unknown fields pass through. */
export type NetworkInspect = {
  Name: string;
  Id: string;
  Created: string;
  Scope: string;
  Driver: string;
  EnableIPv4?: boolean;
  EnableIPv6: boolean;
  IPAM: {
    Driver: string;
    Config: NetworkIpamConfig[] | null;
    Options: Record<string, string> | null;
  };
  Internal: boolean;
  Attachable: boolean;
  Ingress: boolean;
  ConfigOnly?: boolean;
  Containers?: Record<string, NetworkContainer>;
  Options: Record<string, string> | null;
  Labels: Record<string, string> | null;
};

/** POST /networks/create body. */
export type NetworkCreateBody = {
  Name: string;
  Driver?: string;
  Scope?: string;
  Internal?: boolean;
  Attachable?: boolean;
  Ingress?: boolean;
  ConfigOnly?: boolean;
  ConfigFrom?: { Network: string };
  IPAM?: {
    Driver?: string;
    Config?: NetworkIpamConfig[];
    Options?: Record<string, string>;
  };
  EnableIPv4?: boolean;
  EnableIPv6?: boolean;
  Options?: Record<string, string>;
  Labels?: Record<string, string>;
};

/** POST /networks/create answer. */
export type NetworkCreateResponse = { Id: string; Warning?: string };

/** The endpoint settings a connect sends (EndpointSettings subset). */
export type NetworkEndpointConfig = {
  IPAMConfig?: {
    IPv4Address?: string;
    IPv6Address?: string;
    LinkLocalIPs?: string[];
  };
  Links?: string[];
  Aliases?: string[];
  DriverOpts?: Record<string, string>;
  GwPriority?: number;
};

/** POST /networks/prune answer. */
export type NetworkPruneResponse = { NetworksDeleted: string[] | null };

// compat: a network name is one path segment; ids and names never contain "/".
const enc = encodeURIComponent;

function nonEmpty(filters: Filters | undefined): Filters | undefined {
  return filters && Object.keys(filters).length ? filters : undefined;
}

/** The /networks endpoints. */
export class NetworksApi {
  #t: Transport;
  constructor(transport: Transport) {
    this.#t = transport;
  }

  /** GET /networks. */
  list(options: { filters?: Filters } = {}): Promise<NetworkInspect[]> {
    return this.#t.json("GET", "/networks", {
      query: { filters: nonEmpty(options.filters) },
    });
  }

  /** GET /networks/{id}. Throws ClientError 404 "network … not found". */
  inspect(
    id: string,
    options: { verbose?: boolean; scope?: string } = {},
  ): Promise<NetworkInspect> {
    return this.#t.json("GET", `/networks/${enc(id)}`, {
      query: { verbose: options.verbose || undefined, scope: options.scope },
    });
  }

  /** POST /networks/create. Throws ClientError 409 when the name is taken, 400 on bad input. */
  create(body: NetworkCreateBody): Promise<NetworkCreateResponse> {
    return this.#t.json("POST", "/networks/create", { body });
  }

  /** DELETE /networks/{id}. Throws ClientError 404, 403 for predefined networks, 409 when in use. */
  async remove(id: string): Promise<void> {
    (await this.#t.request("DELETE", `/networks/${enc(id)}`)).resume();
  }

  /** POST /networks/{id}/connect. */
  async connect(
    id: string,
    container: string,
    endpoint: NetworkEndpointConfig = {},
  ): Promise<void> {
    const body = { Container: container, EndpointConfig: endpoint };
    (
      await this.#t.request("POST", `/networks/${enc(id)}/connect`, { body })
    ).resume();
  }

  /** POST /networks/{id}/disconnect. */
  async disconnect(
    id: string,
    container: string,
    options: { force?: boolean } = {},
  ): Promise<void> {
    const body = { Container: container, Force: options.force ?? false };
    (
      await this.#t.request("POST", `/networks/${enc(id)}/disconnect`, {
        body,
      })
    ).resume();
  }

  /** POST /networks/prune. */
  prune(options: { filters?: Filters } = {}): Promise<NetworkPruneResponse> {
    return this.#t.json("POST", "/networks/prune", {
      query: { filters: nonEmpty(options.filters) },
    });
  }
}
