import type { Duplex } from "node:stream";
import type {
  ContainerCreateBody,
  ContainerCreateResponse,
  ContainerInspect,
  ContainerPruneResponse,
  ContainerSummary,
  ContainerTopResponse,
  ContainerUpdateBody,
  ContainerUpdateResponse,
  ContainerWaitResponse,
} from "../../api/containers.ts";
import {
  InvalidArgumentError,
  NotImplementedError,
} from "../../util/errors.ts";
import type { RequestContext } from "../http.ts";
import type { Route } from "../router.ts";

/** Query options of GET /containers/{id}/logs, parsed. */
export type LogsOptions = {
  follow: boolean;
  stdout: boolean;
  stderr: boolean;
  /** Nanoseconds since the epoch; 0n = unset. */
  since: bigint;
  until: bigint;
  tail: number | "all";
  timestamps: boolean;
};

/** Query options of POST /containers/{id}/attach, parsed. */
export type AttachOptions = {
  stream: boolean;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  logs: boolean;
  detachKeys: string | undefined;
};

/** What the container routes need; ContainerService implements it. */
export interface ContainersBackend {
  list(o: {
    all: boolean;
    limit?: number;
    size: boolean;
    filters: Record<string, string[]>;
  }): Promise<ContainerSummary[]>;
  create(
    body: ContainerCreateBody,
    o: { name?: string; platform?: string },
  ): Promise<ContainerCreateResponse>;
  inspect(ref: string, o: { size: boolean }): Promise<ContainerInspect>;
  top(ref: string, psArgs?: string): Promise<ContainerTopResponse>;
  logs(
    ref: string,
    o: LogsOptions,
  ): Promise<{
    tty: boolean;
    write: (
      out: { write(chunk: Buffer): void },
      signal: AbortSignal,
    ) => Promise<void>;
  }>;
  resize(ref: string, size: { h: number; w: number }): Promise<void>;
  start(ref: string): Promise<void>;
  stop(ref: string, o: { timeout?: number; signal?: string }): Promise<void>;
  restart(ref: string, o: { timeout?: number; signal?: string }): Promise<void>;
  kill(ref: string, o: { signal?: string }): Promise<void>;
  rename(ref: string, name: string): Promise<void>;
  pause(ref: string): Promise<void>;
  unpause(ref: string): Promise<void>;
  /** Throws before `open` is called when the request is refused. */
  attach(
    ref: string,
    o: AttachOptions,
    open: (multiplexed: boolean) => Duplex,
  ): Promise<void>;
  /** Resolves once the container is found; `done` when the condition holds. */
  wait(
    ref: string,
    condition: "not-running" | "next-exit" | "removed",
  ): Promise<{ done: Promise<ContainerWaitResponse> }>;
  remove(ref: string, o: { force: boolean; volumes: boolean }): Promise<void>;
  prune(filters: Record<string, string[]>): Promise<ContainerPruneResponse>;
  update(
    ref: string,
    body: ContainerUpdateBody,
  ): Promise<ContainerUpdateResponse>;
  /** since/until of logs: Docker's timestamp forms → ns since the epoch. */
  parseLogTime(value: string | undefined): bigint;
}

const missing = (what: string) => async (): Promise<void> => {
  throw new NotImplementedError(`not implemented: ${what}`);
};

/** The /containers route table. */
export function containerRoutes(b: ContainersBackend): Route[] {
  const h =
    (fn: (ctx: RequestContext, b: ContainersBackend) => Promise<void>) =>
    (ctx: RequestContext) =>
      fn(ctx, b);
  return [
    { method: "GET", path: "/containers/json", handler: h(getContainersJson) }, // 200, 400 bad filter
    {
      method: "POST",
      path: "/containers/create",
      handler: h(postContainersCreate),
    }, // 201, 400, 404 no image, 409 name in use
    {
      method: "POST",
      path: "/containers/prune",
      handler: h(postContainersPrune),
    }, // 200, 400 bad filter
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
      path: "/containers/{id}/logs",
      handler: h(getContainersLogs),
    }, // 200 stream, 400, 404
    {
      method: "POST",
      path: "/containers/{id}/resize",
      handler: h(postContainersResize),
    }, // 200, 404, 409 not running
    {
      method: "POST",
      path: "/containers/{id}/start",
      handler: h(postContainersStart),
    }, // 204, 304 running, 400 bad command, 404
    {
      method: "POST",
      path: "/containers/{id}/stop",
      handler: h(postContainersStop),
    }, // 204, 304 stopped, 404
    {
      method: "POST",
      path: "/containers/{id}/restart",
      handler: h(postContainersRestart),
    }, // 204, 404
    {
      method: "POST",
      path: "/containers/{id}/kill",
      handler: h(postContainersKill),
    }, // 204, 400 bad signal, 404, 409 not running
    {
      method: "POST",
      path: "/containers/{id}/rename",
      handler: h(postContainersRename),
    }, // 204, 400, 404, 409 name in use
    {
      method: "POST",
      path: "/containers/{id}/pause",
      handler: h(postContainersPause),
    }, // 204, 404, 409
    {
      method: "POST",
      path: "/containers/{id}/unpause",
      handler: h(postContainersUnpause),
    }, // 204, 404, 409
    {
      method: "POST",
      path: "/containers/{id}/attach",
      handler: h(postContainersAttach),
    }, // 101/200 hijacked, 400, 404, 409 paused
    {
      method: "POST",
      path: "/containers/{id}/wait",
      handler: h(postContainersWait),
    }, // 200 (headers at once), 400, 404
    {
      method: "DELETE",
      path: "/containers/{id}",
      handler: h(deleteContainers),
    }, // 204, 404, 409 running
    {
      method: "GET",
      path: "/containers/{id}/attach/ws",
      handler: missing("attach over websocket"),
    }, // 501
    {
      method: "GET",
      path: "/containers/{id}/stats",
      handler: missing("container stats"),
    }, // 501
    {
      method: "POST",
      path: "/containers/{id}/update",
      handler: h(postContainersUpdate),
    }, // 200, 400 bad value, 404, 409 conflicting limits, 501 unsupported field
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

async function postContainersCreate(
  ctx: RequestContext,
  b: ContainersBackend,
): Promise<void> {
  const body = await ctx.json<ContainerCreateBody>();
  if (typeof body !== "object" || body === null)
    throw new InvalidArgumentError("invalid JSON: expected an object");
  const o: { name?: string; platform?: string } = {};
  const name = ctx.q("name");
  const platform = ctx.q("platform");
  if (name) o.name = name;
  if (platform) o.platform = platform;
  ctx.send(201, await b.create(body, o));
}

async function postContainersPrune(
  ctx: RequestContext,
  b: ContainersBackend,
): Promise<void> {
  ctx.send(200, await b.prune(ctx.filters()));
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

async function getContainersLogs(
  ctx: RequestContext,
  b: ContainersBackend,
): Promise<void> {
  const tail = ctx.q("tail");
  const n =
    tail === undefined || tail === "all" || tail === "" ? "all" : Number(tail);
  const logs = await b.logs(ctx.param("id"), {
    follow: ctx.bool("follow"),
    stdout: ctx.bool("stdout"),
    stderr: ctx.bool("stderr"),
    since: b.parseLogTime(ctx.q("since")),
    until: b.parseLogTime(ctx.q("until")),
    // compat: Docker treats a negative or malformed tail as "all".
    tail: n === "all" || !Number.isInteger(n) || n < 0 ? "all" : n,
    timestamps: ctx.bool("timestamps"),
  });
  const out = ctx.stream(
    200,
    logs.tty
      ? "application/vnd.docker.raw-stream"
      : "application/vnd.docker.multiplexed-stream",
  );
  const ac = new AbortController();
  ctx.req.socket.once("close", () => ac.abort());
  await logs.write({ write: (c) => void out.write(c) }, ac.signal);
  out.end();
}

async function postContainersResize(
  ctx: RequestContext,
  b: ContainersBackend,
): Promise<void> {
  await b.resize(ctx.param("id"), {
    h: ctx.int("h") ?? 0,
    w: ctx.int("w") ?? 0,
  });
  ctx.empty(200);
}

async function postContainersStart(
  ctx: RequestContext,
  b: ContainersBackend,
): Promise<void> {
  await b.start(ctx.param("id"));
  ctx.empty(204);
}

function stopOptions(ctx: RequestContext): {
  timeout?: number;
  signal?: string;
} {
  const o: { timeout?: number; signal?: string } = {};
  const t = ctx.int("t");
  const signal = ctx.q("signal");
  if (t !== undefined) o.timeout = t;
  if (signal) o.signal = signal;
  return o;
}

async function postContainersStop(
  ctx: RequestContext,
  b: ContainersBackend,
): Promise<void> {
  await b.stop(ctx.param("id"), stopOptions(ctx));
  ctx.empty(204);
}

async function postContainersRestart(
  ctx: RequestContext,
  b: ContainersBackend,
): Promise<void> {
  await b.restart(ctx.param("id"), stopOptions(ctx));
  ctx.empty(204);
}

async function postContainersKill(
  ctx: RequestContext,
  b: ContainersBackend,
): Promise<void> {
  const signal = ctx.q("signal");
  await b.kill(ctx.param("id"), signal ? { signal } : {});
  ctx.empty(204);
}

async function postContainersRename(
  ctx: RequestContext,
  b: ContainersBackend,
): Promise<void> {
  const name = ctx.q("name");
  if (!name)
    throw new InvalidArgumentError("Neither old nor new names may be empty");
  await b.rename(ctx.param("id"), name);
  ctx.empty(204);
}

async function postContainersPause(
  ctx: RequestContext,
  b: ContainersBackend,
): Promise<void> {
  await b.pause(ctx.param("id"));
  ctx.empty(204);
}

async function postContainersUnpause(
  ctx: RequestContext,
  b: ContainersBackend,
): Promise<void> {
  await b.unpause(ctx.param("id"));
  ctx.empty(204);
}

async function postContainersAttach(
  ctx: RequestContext,
  b: ContainersBackend,
): Promise<void> {
  const opts: AttachOptions = {
    stream: ctx.bool("stream"),
    stdin: ctx.bool("stdin"),
    stdout: ctx.bool("stdout"),
    stderr: ctx.bool("stderr"),
    logs: ctx.bool("logs"),
    detachKeys: ctx.q("detachKeys"),
  };
  await b.attach(ctx.param("id"), opts, (multiplexed) =>
    ctx.hijack(multiplexed),
  );
}

async function postContainersWait(
  ctx: RequestContext,
  b: ContainersBackend,
): Promise<void> {
  const c = ctx.q("condition") || "not-running";
  if (c !== "not-running" && c !== "next-exit" && c !== "removed")
    throw new InvalidArgumentError(`invalid condition: "${c}"`);
  const { done } = await b.wait(ctx.param("id"), c);
  // compat: the CLI waits for these headers before it calls /start (DESIGN.md).
  const out = ctx.stream(200, "application/json");
  out.write(JSON.stringify(await done) + "\n");
  out.end();
}

async function deleteContainers(
  ctx: RequestContext,
  b: ContainersBackend,
): Promise<void> {
  if (ctx.bool("link"))
    throw new NotImplementedError("not implemented: legacy links (rm --link)");
  await b.remove(ctx.param("id"), {
    force: ctx.bool("force"),
    volumes: ctx.bool("v"),
  });
  ctx.empty(204);
}

async function postContainersUpdate(
  ctx: RequestContext,
  b: ContainersBackend,
): Promise<void> {
  const body = await ctx.json<ContainerUpdateBody>();
  if (typeof body !== "object" || body === null)
    throw new InvalidArgumentError("invalid JSON: expected an object");
  ctx.send(200, await b.update(ctx.param("id"), body));
}
