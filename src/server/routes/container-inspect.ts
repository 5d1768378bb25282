import { versionLessThan } from "../../api/version.ts";
import { InvalidArgumentError } from "../../util/errors.ts";
import type { RequestContext } from "../http.ts";
import type { Route } from "../router.ts";
import { inspectForVersion } from "./old-versions.ts";
import { bind, type ContainersBackend } from "./container-backend.ts";

/** Container read routes: list, inspect, top, stats. */
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
      handler: h(getContainersStats),
    }, // 200 stream, 404
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
  const view = await b.inspect(ctx.param("id"), { size: ctx.bool("size") });
  ctx.send(200, inspectForVersion(view, ctx.version));
}

async function getContainersTop(
  ctx: RequestContext,
  b: ContainersBackend,
): Promise<void> {
  ctx.send(200, await b.top(ctx.param("id"), ctx.q("ps_args")));
}

/** Stats as JSON lines: one object per second with stream (default), else one. */
async function getContainersStats(
  ctx: RequestContext,
  b: ContainersBackend,
): Promise<void> {
  const stream = ctx.bool("stream", true);
  // compat: one-shot exists from API 1.41; moby refuses it together with stream.
  const oneShot = !versionLessThan(ctx.version, "1.41") && ctx.bool("one-shot");
  if (stream && oneShot)
    throw new InvalidArgumentError("cannot have stream=true and one-shot=true");
  const ac = new AbortController();
  const abort = () => ac.abort();
  ctx.req.socket.once("close", abort);
  try {
    const stats = await b.stats(ctx.param("id"), {
      stream,
      oneShot,
      signal: ac.signal,
    });
    const out = ctx.stream(200, "application/json");
    for await (const s of stats) out.write(JSON.stringify(s) + "\n");
    out.end();
  } finally {
    // A kept-alive connection serves more requests: drop the listener.
    ctx.req.socket.off("close", abort);
  }
}
