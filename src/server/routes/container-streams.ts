import { versionLessThan } from "../../api/version.ts";
import { timestampNanos } from "../../conventions/timestamp.ts";
import { InvalidArgumentError } from "../../util/errors.ts";
import type { RequestContext } from "../http.ts";
import type { Route } from "../router.ts";
import {
  bind,
  missing,
  type AttachOptions,
  type ContainersBackend,
} from "./container-backend.ts";

/** Container stream routes: logs, attach (websocket: 501), wait and tty resize. */
export function containerStreamRoutes(b: ContainersBackend): Route[] {
  const h = bind(b);
  return [
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
      path: "/containers/{id}/attach",
      handler: h(postContainersAttach),
    }, // 101/200 hijacked, 400, 404, 409 paused
    {
      method: "POST",
      path: "/containers/{id}/wait",
      handler: h(postContainersWait),
    }, // 200 (headers at once), 400, 404
    {
      method: "GET",
      path: "/containers/{id}/attach/ws",
      handler: missing("attach over websocket"),
    }, // 501
  ];
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
    since: logTime(ctx.q("since")),
    until: logTime(ctx.q("until")),
    // compat: Docker treats a negative or malformed tail as "all".
    tail: n === "all" || !Number.isInteger(n) || n < 0 ? "all" : n,
    timestamps: ctx.bool("timestamps"),
    details: ctx.bool("details"),
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
    // compat: the multiplexed content type is announced from API 1.42.
    ctx.hijack(multiplexed && !versionLessThan(ctx.version, "1.42")),
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

/** since/until of logs in Docker's forms → nanoseconds since the epoch (0n = unset). */
function logTime(value: string | undefined): bigint {
  return value ? timestampNanos(value) : 0n;
}
