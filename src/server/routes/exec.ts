import type { Duplex } from "node:stream";
import type { ExecCreateBody, ExecInspect } from "../../api/containers.ts";
import { versionLessThan } from "../../api/version.ts";
import type { RequestContext } from "../http.ts";
import type { Route } from "../router.ts";

/** What the exec routes need; ContainerService implements it. */
export interface ExecBackend {
  execCreate(ref: string, body: ExecCreateBody): Promise<{ Id: string }>;
  /**
   * Starts the exec. Attached (`detach` false): calls `open` to take over
   * the connection (multiplexed = stdcopy frames, when `tty` is false) and
   * resolves when the process ended or the client left. Throws before
   * `open` only for an unknown exec.
   */
  execStart(
    id: string,
    o: {
      detach: boolean;
      tty: boolean;
      consoleSize?: [number, number] | undefined;
    },
    open: (multiplexed: boolean) => Duplex,
  ): Promise<void>;
  execInspect(id: string): Promise<ExecInspect>;
  execResize(id: string, size: { h: number; w: number }): Promise<void>;
}

/** The /containers/{id}/exec and /exec route table. */
export function execRoutes(b: ExecBackend): Route[] {
  return [
    {
      method: "POST",
      path: "/containers/{id}/exec",
      handler: (ctx) => postContainersExec(ctx, b),
    }, // 201, 400 no command, 404, 409 not running / paused
    {
      method: "POST",
      path: "/exec/{id}/start",
      handler: (ctx) => postExecStart(ctx, b),
    }, // 101/200 hijacked, 200 detached, 404, 409 already ran / not running
    {
      method: "POST",
      path: "/exec/{id}/resize",
      handler: (ctx) => postExecResize(ctx, b),
    }, // 200, 404, 409 not running
    {
      method: "GET",
      path: "/exec/{id}/json",
      handler: async (ctx) =>
        ctx.send(200, await b.execInspect(ctx.param("id"))),
    }, // 200, 404
  ];
}

async function postContainersExec(
  ctx: RequestContext,
  b: ExecBackend,
): Promise<void> {
  const body = (await ctx.json<ExecCreateBody | null>("execCreate")) ?? {};
  ctx.send(201, await b.execCreate(ctx.param("id"), body));
}

async function postExecStart(
  ctx: RequestContext,
  b: ExecBackend,
): Promise<void> {
  const body =
    (await ctx.json<{
      Detach?: boolean;
      Tty?: boolean;
      ConsoleSize?: [number, number] | null;
    } | null>("execStart", {})) ?? {};
  const detach = body.Detach === true;
  const tty = body.Tty === true;
  // compat: start's ConsoleSize counts from API 1.42 and only with Tty.
  const consoleSize =
    tty && body.ConsoleSize && !versionLessThan(ctx.version, "1.42")
      ? body.ConsoleSize
      : undefined;
  await b.execStart(ctx.param("id"), { detach, tty, consoleSize }, (mux) =>
    // compat: the multiplexed content type is announced from API 1.42.
    ctx.hijack(mux && !versionLessThan(ctx.version, "1.42")),
  );
  // compat: a detached start answers 200 with an empty body, as moby does.
  if (detach) ctx.empty(200);
}

async function postExecResize(
  ctx: RequestContext,
  b: ExecBackend,
): Promise<void> {
  await b.execResize(ctx.param("id"), {
    h: ctx.int("h") ?? 0,
    w: ctx.int("w") ?? 0,
  });
  ctx.empty(200);
}
