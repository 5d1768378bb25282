import { mkdir, rm } from "node:fs/promises";
import type { Duplex } from "node:stream";
import type { ExecCreateBody, ExecInspect } from "../../api/containers.ts";
import {
  ConflictError,
  InvalidArgumentError,
  errorMessage,
} from "../../util/errors.ts";
import { newId } from "../../util/ids.ts";
import { AttachSession } from "./attach.ts";
import { execBundleOf, publish, type Core } from "./core.ts";
import type { ExecRecord } from "./exec-store.ts";
import { checkExec, type ContainerRecord } from "./record.ts";
import { processSpec, specEnv } from "./spec.ts";
import { resolveUser } from "./user.ts";
import { rootfsOptions } from "./userns.ts";

/** Registers an exec on a running container; returns its id. */
export function createExec(
  core: Core,
  r: ContainerRecord,
  body: ExecCreateBody,
): string {
  checkExec(r);
  if (!body.Cmd || body.Cmd.length === 0)
    throw new InvalidArgumentError("No exec command specified");
  const id = newId();
  core.execs.add(id, r.id, body);
  publish(core, r, `exec_create: ${body.Cmd.join(" ")}`, { execID: id });
  return id;
}

/**
 * Starts an exec. Detached: resolves once it runs. Attached: `open(multiplexed)`
 * hijacks the client connection and the promise resolves when the process
 * ended and its output was sent. Throws ConflictError when it already ran or
 * the container is not running.
 */
export async function startExec(
  core: Core,
  e: ExecRecord,
  r: ContainerRecord,
  o: { detach: boolean; tty: boolean; open: (multiplexed: boolean) => Duplex },
): Promise<void> {
  if (e.started)
    throw new ConflictError(
      e.running
        ? `Error: Exec command ${e.id} is already running`
        : `Error: Exec command ${e.id} has already run`,
    );
  checkExec(r);
  e.started = true;
  const b = e.body;
  const tty = b.Tty ?? o.tty;
  const bundle = execBundleOf(core, e.id);
  const rootfs = await core.images.mountRootfs(r.id, rootfsOptions(r));
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
  if (tty && b.ConsoleSize)
    process.consoleSize = { height: b.ConsoleSize[0], width: b.ConsoleSize[1] };
  await mkdir(bundle, { recursive: true, mode: 0o700 });
  const attach = !o.detach;
  const session = attach
    ? new AttachSession(
        o.open(!tty),
        {
          stream: true,
          stdin: b.AttachStdin === true,
          stdout: b.AttachStdout !== false,
          stderr: b.AttachStderr !== false,
          logs: false,
          detachKeys: b.DetachKeys,
        },
        { multiplexed: !tty, stdinOnce: true, onDetach: () => undefined },
      )
    : undefined;
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
    e.running = false;
    e.exitCode = 126;
    e.finish();
    session?.end();
    await rm(bundle, { recursive: true, force: true });
    throw new Error(`OCI runtime exec failed: ${errorMessage(err)}: unknown`);
  }
  e.pid = handle.pid;
  e.running = true;
  e.connection = handle.connection;
  if (session && handle.connection) session.connect(handle.connection);
  publish(core, r, `exec_start: ${b.Cmd!.join(" ")}`, { execID: e.id });
  const finished = handle.exited.then(async (code) => {
    // Output is sent before the exit code; give the socket its last packets.
    if (attach) await Promise.race([outputDone, delay(1000)]);
    e.running = false;
    e.exitCode = code;
    e.pid = 0;
    session?.end();
    publish(core, r, "exec_die", { execID: e.id, exitCode: String(code) });
    await rm(bundle, { recursive: true, force: true });
    e.finish();
  });
  if (attach) await finished;
  else
    finished.catch((err: unknown) =>
      core.log.warn("exec wait failed", { id: e.id, err: errorMessage(err) }),
    );
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
  core: Core,
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
