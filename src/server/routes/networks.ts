import type {
  NetworkConnectBody,
  NetworkCreateBody,
  NetworkCreateResponse,
  NetworkDisconnectBody,
  NetworkInspect,
  NetworkPruneResponse,
} from "../../api/networks.ts";
import { InvalidArgumentError } from "../../util/errors.ts";
import type { RequestContext } from "../http.ts";
import type { Route } from "../router.ts";

/** What the network routes need; NetworkService implements it. */
export interface NetworksBackend {
  list(filters: Record<string, string[]>): Promise<NetworkInspect[]>;
  inspect(ref: string): Promise<NetworkInspect>;
  create(body: NetworkCreateBody): Promise<NetworkCreateResponse>;
  remove(ref: string): Promise<void>;
  connect(ref: string, body: NetworkConnectBody): Promise<void>;
  disconnect(ref: string, body: NetworkDisconnectBody): Promise<void>;
  prune(filters: Record<string, string[]>): Promise<NetworkPruneResponse>;
}

/** The /networks route table. */
export function networkRoutes(b: NetworksBackend): Route[] {
  const h =
    (fn: (ctx: RequestContext, b: NetworksBackend) => Promise<void>) =>
    (ctx: RequestContext) =>
      fn(ctx, b);
  return [
    { method: "GET", path: "/networks", handler: h(getNetworks) }, // 200, 400 bad filter
    {
      method: "POST",
      path: "/networks/create",
      handler: h(postNetworksCreate),
    }, // 201, 400, 403 predefined/overlap, 404 driver, 409 name
    { method: "POST", path: "/networks/prune", handler: h(postNetworksPrune) }, // 200, 400
    { method: "GET", path: "/networks/{id}", handler: h(getNetworksInspect) }, // 200, 404
    { method: "DELETE", path: "/networks/{id}", handler: h(deleteNetworks) }, // 204, 403 predefined/in use, 404
    {
      method: "POST",
      path: "/networks/{id}/connect",
      handler: h(postNetworksConnect),
    }, // 200, 400, 403, 404
    {
      method: "POST",
      path: "/networks/{id}/disconnect",
      handler: h(postNetworksDisconnect),
    }, // 200, 403, 404
  ];
}

async function getNetworks(
  ctx: RequestContext,
  b: NetworksBackend,
): Promise<void> {
  ctx.send(200, await b.list(ctx.filters()));
}

async function postNetworksCreate(
  ctx: RequestContext,
  b: NetworksBackend,
): Promise<void> {
  const body =
    (await ctx.json<NetworkCreateBody | null>("networkCreate")) ??
    ({} as NetworkCreateBody);
  ctx.send(201, await b.create(body));
}

async function postNetworksPrune(
  ctx: RequestContext,
  b: NetworksBackend,
): Promise<void> {
  ctx.send(200, await b.prune(ctx.filters()));
}

async function getNetworksInspect(
  ctx: RequestContext,
  b: NetworksBackend,
): Promise<void> {
  ctx.send(200, await b.inspect(ctx.param("id")));
}

async function deleteNetworks(
  ctx: RequestContext,
  b: NetworksBackend,
): Promise<void> {
  await b.remove(ctx.param("id"));
  ctx.empty(204);
}

async function postNetworksConnect(
  ctx: RequestContext,
  b: NetworksBackend,
): Promise<void> {
  const body = await ctx.json<NetworkConnectBody | null>("networkConnect");
  if (!body?.Container)
    throw new InvalidArgumentError("no container specified");
  await b.connect(ctx.param("id"), body);
  ctx.empty(200);
}

async function postNetworksDisconnect(
  ctx: RequestContext,
  b: NetworksBackend,
): Promise<void> {
  const body = await ctx.json<NetworkDisconnectBody | null>(
    "networkDisconnect",
  );
  if (!body?.Container)
    throw new InvalidArgumentError("no container specified");
  await b.disconnect(ctx.param("id"), body);
  ctx.empty(200);
}
