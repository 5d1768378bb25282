import type { RequestContext } from "../http.ts";
import type { Route } from "../router.ts";
import { bind, missing, type ContainersBackend } from "./container-backend.ts";

/** Container read routes: list, inspect, top (stats: 501). */
export function containerInspectRoutes(b: ContainersBackend): Route[] {
  const h = bind(b);
  return [
    { method: "GET", path: "/containers/json", handler: h(getContainersJson) }, // 200, 400 bad filter
    {
      method: "GET",
      path: "/containers/{id}/json",
      handler: h(getContainersInspect),
    }, // 200, 404
    {
      method: "GET",
      path: "/containers/{id}/top",
      handler: h(getContainersTop),
    }, // 200, 404, 409 not running
    {
      method: "GET",
      path: "/containers/{id}/stats",
      handler: missing("container stats"),
    }, // 501
  ];
}

async function getContainersJson(
  ctx: RequestContext,
  b: ContainersBackend,
): Promise<void> {
  const limit = ctx.int("limit");
  ctx.send(
    200,
    await b.list({
      all: ctx.bool("all"),
      ...(limit !== undefined ? { limit } : {}),
      size: ctx.bool("size"),
      filters: ctx.filters(),
    }),
  );
}

async function getContainersInspect(
  ctx: RequestContext,
  b: ContainersBackend,
): Promise<void> {
  ctx.send(200, await b.inspect(ctx.param("id"), { size: ctx.bool("size") }));
}

async function getContainersTop(
  ctx: RequestContext,
  b: ContainersBackend,
): Promise<void> {
  ctx.send(200, await b.top(ctx.param("id"), ctx.q("ps_args")));
}
