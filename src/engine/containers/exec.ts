import { rm } from "node:fs/promises";
import type { Duplex } from "node:stream";
import type { ExecCreateBody, ExecInspect } from "../../api/containers.ts";
import {
  ConflictError,
  InvalidArgumentError,
  errorMessage,
} from "../../util/errors.ts";
import { newId } from "../../util/ids.ts";
import { AttachSession, parseDetachKeys } from "./attach.ts";
import { execBundleOf, publish, type ContainerDeps } from "./deps.ts";

/** What running an exec uses: the exec records, the runtime, the container's rootfs, events. */
export type ExecDeps = Pick<
  ContainerDeps,
  "execs" | "events" | "images" | "runtime" | "log" | "execRoot"
>;
import type { ExecRecord } from "./exec-store.ts";
import { checkExec, type ContainerRecord } from "./record.ts";
import { processSpec, specEnv } from "./spec.ts";
import { rootfsPathsOf } from "./rootfs-paths.ts";
import { resolveUser } from "./user.ts";
import { rootfsOptions } from "./userns.ts";

/** Registers an exec on a running container; returns its id. */
export function createExec(
  core: Pick<ContainerDeps, "execs" | "events">,
  r: ContainerRecord,
  body: ExecCreateBody,
): string {
  checkExec(r);
  if (!body.Cmd || body.Cmd.length === 0)
    throw new InvalidArgumentError("No exec command specified");
  if (body.DetachKeys) {
    try {
      parseDetachKeys(body.DetachKeys);
    } catch {
      // compat: a plain error in moby, so a 500.
      throw new Error(`Invalid escape keys (${body.DetachKeys}) provided`);
    }
  }
  const id = newId();
  core.execs.add(id, r.id, body);
  publish(core, r, `exec_create: ${body.Cmd.join(" ")}`, { execID: id });
  return id;
}

/** What exec start's request asks for (POST /exec/{id}/start's body). */
export type ExecStartOptions = {
  detach: boolean;
  /** The start request's Tty: raw output when true, stdcopy frames when false. */
  tty: boolean;
  /** Start's ConsoleSize [h, w] (API 1.42+ with Tty), else create's. */
  consoleSize?: [number, number] | undefined;
  open: (multiplexed: boolean) => Duplex;
};

/**
 * Starts an exec. Detached: resolves once it runs, throws ConflictError
 * when it already ran or the container is not running. Attached:
 * `open(multiplexed)` hijacks the connection at once and everything after
 * that (conflicts, runtime failures) is written into the stream as moby's
 * router does; resolves when the process ended and its output was sent.
 * compat: the framing follows the start request's Tty, the process's tty
 * the create request's, as in moby.
 */
export async function startExec(
  core: ExecDeps,
  e: ExecRecord,
  r: ContainerRecord,
  o: ExecStartOptions,
): Promise<void> {
  if (o.detach) return runExec(core, e, r, o, undefined);
  const b = e.body;
  const session = new AttachSession(
    o.open(!o.tty),
    {
      stream: true,
      stdin: b.AttachStdin === true,
      stdout: b.AttachStdout === true,
      // compat: with a tty start moby passes no stderr writer: it is dropped.
      stderr: b.AttachStderr === true && !o.tty,
      logs: false,
      detachKeys: b.DetachKeys,
    },
    {
      multiplexed: !o.tty,
      stdinOnce: true,
      tty: b.Tty === true,
      onDetach: () => detached(core, e, session),
    },
  );
  try {
    await runExec(core, e, r, o, session);
  } catch (err) {
    session.message(`${errorMessage(err)}\r\n`);
    session.end();
  }
}

/**
 * compat: moby wraps the detach error ("error on attach stdin: read escape
 * sequence"), so it takes it for a failure: the client reads the text, the
 * exec counts as ended with 126 and its real exit is never recorded.
 */
function detached(core: ExecDeps, e: ExecRecord, session: AttachSession): void {
  session.message(
    "exec attach failed: error on attach stdin: read escape sequence\r\n",
  );
  e.detached = true;
  e.running = false;
  e.exitCode = 126;
}

async function runExec(
  core: ExecDeps,
  e: ExecRecord,
  r: ContainerRecord,
  o: ExecStartOptions,
  session: AttachSession | undefined,
): Promise<void> {
  if (e.started)
    throw new ConflictError(
      e.running
        ? `exec command ${e.id} is already running`
        : `exec command ${e.id} has already run`,
    );
  checkExec(r);
  e.started = true;
  const b = e.body;
  const tty = b.Tty === true;
  const bundle = execBundleOf(core, e.id);
  let process;
  try {
    process = await execProcess(core, e, r, o);
  } catch (err) {
    // compat: a start that fails before the runtime runs (an unknown user)
    // ends the exec with 126 and the bare message, as runc's does in moby.
    await failed(e, bundle);
    throw err;
  }
  const attach = session !== undefined;
  let closed: () => void = () => undefined;
  const outputDone = new Promise<void>((resolve) => (closed = resolve));
  let handle;
  try {
    handle = await core.runtime.exec(r.id, {
      bundle,
      process,
      terminal: tty,
      stdin: b.AttachStdin === true,
      attach,
      onOutput: (stream, data) => session?.output(stream, data),
      onClose: () => closed(),
    });
  } catch (err) {
    await failed(e, bundle);
    throw new Error(`OCI runtime exec failed: ${errorMessage(err)}: unknown`);
  }
  e.pid = handle.pid;
  e.running = true;
  e.connection = handle.connection;
  if (session && handle.connection) session.connect(handle.connection);
  publish(core, r, `exec_start: ${b.Cmd!.join(" ")}`, { execID: e.id });
  const finished = handle.exited.then(async (code) => {
    // Output is sent before the exit code; give the socket its last packets.
    if (attach && !e.detached) await Promise.race([outputDone, delay(1000)]);
    if (!e.detached) {
      e.running = false;
      e.exitCode = code;
      publish(core, r, "exec_die", { execID: e.id, exitCode: String(code) });
    }
    e.pid = 0;
    session?.end();
    await rm(bundle, { recursive: true, force: true });
    e.finish();
  });
  // A detach or a client gone ends the request; the process runs on.
  if (session) await Promise.race([finished, session.closed]);
  else
    finished.catch((err: unknown) =>
      core.log.warn("exec wait failed", { id: e.id, err: errorMessage(err) }),
    );
}

/**
 * The exec's OCI process. The user is looked up in the container's rootfs
 * as moby's getUser reads it (its /etc/passwd, not a volume over it); a
 * running container's rootfs is mounted, so its path is all that is
 * needed. The runtime makes the exec's bundle directory when it needs one
 * (an exec through the monitor).
 */
async function execProcess(
  core: ExecDeps,
  e: ExecRecord,
  r: ContainerRecord,
  o: ExecStartOptions,
) {
  const b = e.body;
  const tty = b.Tty === true;
  const rootfs =
    (await rootfsPathsOf(core.images, r))?.mergedDir ??
    (await core.images.mountRootfs(r.id, rootfsOptions(r)));
  const user = await resolveUser(rootfs, b.User || r.config.User);
  const process = processSpec(r, {
    args: b.Cmd!,
    env: [...specEnv(r), ...(b.Env ?? [])],
    cwd: b.WorkingDir || r.config.WorkingDir || "/",
    user,
    terminal: tty,
    privileged: b.Privileged === true || r.hostConfig.Privileged,
    capAdd: r.hostConfig.CapAdd ?? [],
    capDrop: r.hostConfig.CapDrop ?? [],
  });
  const size = o.consoleSize ?? b.ConsoleSize;
  if (tty && size) process.consoleSize = { height: size[0], width: size[1] };
  return process;
}

/** Ends an exec whose start failed: exit code 126, bundle removed. */
async function failed(e: ExecRecord, bundle: string): Promise<void> {
  e.running = false;
  e.exitCode = 126;
  e.finish();
  await rm(bundle, { recursive: true, force: true });
}

/** Docker's exec inspect JSON. */
export function execView(
  e: ExecRecord,
  r: ContainerRecord | undefined,
): ExecInspect {
  const [entrypoint = "", ...args] = e.body.Cmd ?? [];
  return {
    CanRemove: false,
    DetachKeys: e.body.DetachKeys ?? "",
    ID: e.id,
    Running: e.running,
    ExitCode: e.exitCode,
    ProcessConfig: {
      privileged: e.body.Privileged === true,
      user: e.body.User ?? "",
      tty: e.body.Tty === true,
      entrypoint,
      arguments: args,
    },
    OpenStdin: e.body.AttachStdin === true,
    OpenStderr: e.body.AttachStderr === true,
    OpenStdout: e.body.AttachStdout === true,
    ContainerID: r?.id ?? e.containerId,
    Pid: e.pid,
  };
}

/** Resizes a running exec's tty. Throws ConflictError when it is not running. */
export async function resizeExec(
  core: Pick<ContainerDeps, "execs" | "runtime" | "execRoot">,
  execId: string,
  size: { h: number; w: number },
): Promise<void> {
  const e = core.execs.get(execId);
  if (!e.running) throw new ConflictError(`Exec ${execId} is not running`);
  await core.runtime.resize(e.containerId, {
    bundle: execBundleOf(core, execId),
    rows: size.h,
    cols: size.w,
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
