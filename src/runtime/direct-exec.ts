import { spawn } from "node:child_process";
import { readFileSync, watch, type FSWatcher } from "node:fs";
import { constants } from "node:os";
import { basename } from "node:path";
import type { Readable } from "node:stream";
import type { AttachConnection, ExecHandle } from "./oci-runtime.ts";
import type { WarmSpawner } from "./warm-spawn.ts";

/** Input of directExec. */
export type DirectExecOptions = {
  /** The runtime binary (crun). */
  binary: string;
  /** Its whole command line: global options, `exec --pid-file <pidFile> … id`. */
  args: string[];
  /** The exec's bundle directory: pidFile and logFile live in it. */
  bundle: string;
  pidFile: string;
  /** The runtime's JSON log (`--log-format=json`): its error when it fails. */
  logFile: string;
  /** Give the process a stdin pipe (else /dev/null). */
  stdin: boolean;
  onOutput: (stream: 1 | 2, data: Buffer) => void;
  onClose: () => void;
  /** Takes a shell started ahead (warm-spawn.ts) instead of spawning now. */
  spawner?: WarmSpawner;
};

/**
 * Runs an attached exec without a terminal as a child of the daemon:
 * `crun exec` (not detached) joins the container, runs the process on our
 * pipes, waits for it and exits with its code (128+signal when killed). It
 * saves the monitor an attached exec otherwise costs (conmon's start, its
 * double fork, its attach socket): the monitor exists to outlive the
 * daemon, and an attached exec ends with its client anyway.
 *
 * crun's child writes its own errors (executable not found, bad cwd) on
 * the process's stderr, then the runtime exits 255 without writing the pid
 * file; it writes the pid file only once the process is about to run. So
 * output is held until the pid file exists: a start that fails rejects with
 * the runtime's message (from its JSON log) and none of its text reaches the
 * client, as with the monitor. Resolves once the pid file is there.
 */
export function directExec(o: DirectExecOptions): Promise<ExecHandle> {
  return new Promise((resolve, reject) => {
    let started = false;
    let failed = false;
    let dropped = false;
    const held: [1 | 2, Buffer][] = [];
    let exitCode: (code: number) => void = () => undefined;
    const exited = new Promise<number>((r) => (exitCode = r));
    // Watch before the spawn: the pid file may come before spawn() returns.
    let watcher: FSWatcher;
    try {
      watcher = watch(o.bundle, (_event, name) => {
        if (name === basename(o.pidFile)) begin();
      });
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    watcher.on("error", () => undefined);
    const child =
      o.spawner?.take([o.binary, ...o.args], { stdin: o.stdin }) ??
      spawn(o.binary, o.args, {
        // Its own session: a terminal's signals to the daemon's group stay there.
        detached: true,
        stdio: [o.stdin ? "pipe" : "ignore", "pipe", "pipe"],
      });
    const stdin = o.stdin ? child.stdin : null;
    stdin?.on("error", () => undefined); // EPIPE once the process has ended
    const emit = (stream: 1 | 2, data: Buffer): void => {
      if (!dropped) o.onOutput(stream, data);
    };
    const begin = (): void => {
      if (started || failed) return;
      const pid = readPid(o.pidFile);
      if (pid === undefined) return;
      started = true;
      watcher.close();
      for (const [stream, data] of held.splice(0)) emit(stream, data);
      const connection: AttachConnection = {
        write: (data) => void stdin?.write(data),
        endStdin: () => void stdin?.end(),
        close: () => {
          dropped = true;
          stdin?.destroy();
        },
      };
      resolve({ pid, connection, exited });
    };
    const fail = (err: Error): void => {
      if (started || failed) return;
      failed = true;
      watcher.close();
      held.length = 0;
      reject(err);
    };
    const pipe = (stream: 1 | 2, from: Readable): void => {
      from.on("error", () => undefined);
      from.on("data", (data: Buffer) => {
        if (started) return emit(stream, data);
        if (failed) return;
        held.push([stream, data]);
        begin();
      });
    };
    pipe(1, child.stdout!);
    pipe(2, child.stderr!);
    let open = 2;
    const closed = (): void => {
      if (--open === 0) o.onClose();
    };
    child.stdout!.on("close", closed);
    child.stderr!.on("close", closed);
    child.on("error", (err) => fail(err));
    child.on("exit", (code, signal) => {
      begin();
      if (started) return exitCode(code ?? 128 + signalNumber(signal));
      const said = held
        .map(([, d]) => d.toString())
        .join("")
        .trim();
      const why =
        runtimeMessage(o.logFile) ?? (said || `exit ${code ?? signal}`);
      fail(new Error(why));
    });
  });
}

/** The pid in a pid file, or undefined while it is missing or half-written. */
function readPid(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The last error message of crun's JSON log (`{"msg": …, "level": "error"}` lines). */
function runtimeMessage(logFile: string): string | undefined {
  let text;
  try {
    text = readFileSync(logFile, "utf8");
  } catch {
    return undefined;
  }
  let message: string | undefined;
  for (const line of text.split("\n")) {
    try {
      const entry = JSON.parse(line) as { msg?: unknown; level?: unknown };
      if (entry.level === "error" && typeof entry.msg === "string")
        message = entry.msg;
    } catch {
      // not a JSON line
    }
  }
  return message;
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return (signal && constants.signals[signal]) || constants.signals.SIGKILL;
}
