import type { EventMessage } from "../../api/events.ts";
import { API_VERSION } from "../../api/version.ts";
import { timestampNanos } from "../../conventions/timestamp.ts";
import { InvalidArgumentError } from "../../util/errors.ts";
import type { RequestContext } from "../http.ts";
import type { Route } from "../router.ts";
import { infoForVersion } from "./old-versions.ts";

/** What the system routes need from the engine. */
export interface SystemBackend {
  version(): Record<string, unknown>;
  info(): Record<string, unknown>;
  /** Body of GET /system/df; `types` limits the sections (API 1.42+). */
  df(options: {
    types: string[];
    verbose: boolean;
  }): Promise<Record<string, unknown>>;
  /** Events kept in history, oldest first. */
  eventHistory(): EventMessage[];
  /** Subscribes to new events; returns the unsubscribe function. */
  subscribe(listener: (e: EventMessage) => void): () => void;
  /** Throws InvalidArgumentError for unknown filter keys. */
  matchesEventFilters(
    event: EventMessage,
    filters: Record<string, string[]>,
  ): boolean;
}

/** The route table for /_ping, /version, /info, /events and /system/df. */
export function systemRoutes(backend: SystemBackend): Route[] {
  return [
    { method: "GET", path: "/_ping", handler: getPing }, // 200 always; HEAD answers the same headers
    {
      method: "GET",
      path: "/version",
      handler: async (ctx) => ctx.send(200, backend.version()),
    }, // 200
    {
      method: "GET",
      path: "/info",
      handler: async (ctx) =>
        ctx.send(200, infoForVersion(backend.info(), ctx.version)),
    }, // 200
    {
      method: "GET",
      path: "/events",
      handler: (ctx) => getEvents(ctx, backend),
    }, // 200 stream, 400 bad filter
    {
      method: "GET",
      path: "/system/df",
      handler: (ctx) => getSystemDf(ctx, backend),
    }, // 200
  ];
}

/** compat: the Docker CLI reads these headers from every ping (DESIGN.md). */
const pingHeaders = {
  "API-Version": API_VERSION,
  "Builder-Version": "1",
  "Docker-Experimental": "false",
  OSType: "linux",
  Swarm: "inactive",
  "Cache-Control": "no-cache, no-store, must-revalidate",
  Pragma: "no-cache",
};

async function getPing(ctx: RequestContext): Promise<void> {
  if (ctx.req.method === "HEAD")
    ctx.empty(200, {
      ...pingHeaders,
      "Content-Type": "text/plain; charset=utf-8",
    });
  else ctx.text(200, "OK", pingHeaders);
}

async function getSystemDf(
  ctx: RequestContext,
  backend: SystemBackend,
): Promise<void> {
  const types = ctx.query.getAll("type");
  for (const t of types)
    if (!["container", "image", "volume", "build-cache"].includes(t))
      throw new InvalidArgumentError(`unknown object type: ${t}`);
  ctx.send(200, await backend.df({ types, verbose: ctx.bool("verbose") }));
}

/**
 * Streams events as JSON lines. History from `since` is replayed first; with
 * an `until` in the past the stream ends after the replay, with one in the
 * future it ends at that time, without one it runs until the client leaves.
 */
async function getEvents(
  ctx: RequestContext,
  backend: SystemBackend,
): Promise<void> {
  const filters = ctx.filters();
  const sinceRaw = ctx.q("since");
  const untilRaw = ctx.q("until");
  const since = sinceRaw ? Number(timestampNanos(sinceRaw)) : undefined;
  const until = untilRaw ? Number(timestampNanos(untilRaw)) : undefined;
  const wanted = (e: EventMessage): boolean =>
    (since === undefined || e.timeNano >= since) &&
    (until === undefined || e.timeNano <= until) &&
    backend.matchesEventFilters(e, filters);
  // Validate filters before sending headers, so a bad filter is a 400.
  backend.matchesEventFilters(
    {
      Type: "daemon",
      Action: "",
      Actor: { ID: "", Attributes: {} },
      scope: "local",
      time: 0,
      timeNano: 0,
    },
    filters,
  );
  const out = ctx.stream(200, "application/json");
  const write = (e: EventMessage): void =>
    void out.write(JSON.stringify(e) + "\n");
  const buffered: EventMessage[] = [];
  let replaying = true;
  const unsubscribe = backend.subscribe((e) =>
    replaying ? buffered.push(e) : wanted(e) && write(e),
  );
  if (since !== undefined)
    for (const e of backend.eventHistory()) if (wanted(e)) write(e);
  replaying = false;
  for (const e of buffered) if (wanted(e)) write(e);
  const nowNano = Date.now() * 1e6;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      unsubscribe();
      clearTimeout(timer);
      resolve();
    };
    const timer =
      until === undefined
        ? undefined
        : setTimeout(done, Math.max(0, (until - nowNano) / 1e6));
    ctx.req.socket.once("close", done);
  });
  out.end();
}
