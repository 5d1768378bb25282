/** client.networks: the /networks endpoints, with the wire shapes the CLI reads and sends. */
import { nonEmptyFilters } from "../conventions/filters.ts";
import type {
  EndpointSettingsBody,
  IpamPoolConfig,
  NetworkCreateBody,
  NetworkCreateResponse,
  NetworkInspect,
  NetworkPruneResponse,
} from "../api/networks.ts";
import type { Transport } from "./transport.ts";
import type { Filters } from "./types.ts";

// The wire shapes are the daemon's own (api/networks.ts); the client
// re-exports them under the names the CLI uses.
export type {
  NetworkContainer,
  NetworkCreateBody,
  NetworkCreateResponse,
  NetworkInspect,
  NetworkPruneResponse,
} from "../api/networks.ts";
/** One IPAM pool of a network (IPAMConfig). */
export type NetworkIpamConfig = IpamPoolConfig;
/** The endpoint settings a connect sends. */
export type NetworkEndpointConfig = EndpointSettingsBody;

// compat: a network name is one path segment; ids and names never contain "/".
const enc = encodeURIComponent;

/** The /networks endpoints. */
export class NetworksApi {
  #t: Transport;
  constructor(transport: Transport) {
    this.#t = transport;
  }

  /** GET /networks. */
  list(options: { filters?: Filters } = {}): Promise<NetworkInspect[]> {
    return this.#t.json("GET", "/networks", {
      query: { filters: nonEmptyFilters(options.filters) },
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
      query: { filters: nonEmptyFilters(options.filters) },
    });
  }
}
