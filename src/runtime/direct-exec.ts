import type { Socket } from "node:net";
import type { AttachConnection, ExecHandle } from "./oci-runtime.ts";
import { spawnDirect } from "./posix-spawn.ts";

/**
 * The runtime's side of the descriptors directExec hands it: crun reads
 * the process spec from the first, writes the pid file to the second and
 * its JSON log to the third (`--process`, `--pid-file`, `--log=file:`).
 * Pipes instead of files: no exec bundle to make, write, watch and remove.
 */
export const DIRECT_EXEC_FDS = {
  spec: "/proc/self/fd/3",
  pidFile: "/proc/self/fd/4",
  log: "/proc/self/fd/5",
} as const;

/** Input of directExec. */
export type DirectExecOptions = {
  /** The runtime's whole command line (argv[0] first), naming DIRECT_EXEC_FDS. */
  argv: string[];
  /** The file to exec (a sealed copy, sealed-binary.ts); default argv[0]. */
  path?: string;
  /** The process spec (JSON), written to the spec descriptor. */
  spec: string;
  /** Give the process a stdin pipe (else /dev/null). */
  stdin: boolean;
  onOutput: (stream: 1 | 2, data: Buffer) => void;
  onClose: () => void;
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
 * output is held until the pid arrives: a start that fails rejects with
 * the runtime's message (from its JSON log) and none of its text reaches
 * the client, as with the monitor. Resolves once the pid is known.
 */
export function directExec(o: DirectExecOptions): Promise<ExecHandle> {
  return new Promise((resolve, reject) => {
    let child;
    try {
      child = spawnDirect(o.argv, {
        stdin: o.stdin,
        extra: ["to-child", "from-child", "from-child"],
        ...(o.path ? { path: o.path } : {}),
      });
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    const [spec, pidPipe, logPipe] = child.extra as [Socket, Socket, Socket];
    spec.end(o.spec);
    let started = false;
    let failed = false;
    let dropped = false;
    const held: [1 | 2, Buffer][] = [];
    let exitCode: (code: number) => void = () => undefined;
    const exited = new Promise<number>((r) => (exitCode = r));
    const stdin = child.stdin;
    const emit = (stream: 1 | 2, data: Buffer): void => {
      if (!dropped) o.onOutput(stream, data);
    };
    let pidText = "";
    const begin = (): void => {
      if (started || failed) return;
      const pid = Number(pidText.trim());
      if (!Number.isInteger(pid) || pid <= 0) return;
      started = true;
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
    pidPipe.on("data", (d: Buffer) => {
      pidText += d.toString();
      begin();
    });
    let log = "";
    logPipe.on("data", (d: Buffer) => (log += d.toString()));
    const pipe = (stream: 1 | 2, from: Socket): void => {
      from.on("data", (data: Buffer) => {
        if (started) return emit(stream, data);
        if (!failed) held.push([stream, data]);
      });
    };
    pipe(1, child.stdout);
    pipe(2, child.stderr);
    let open = 2;
    const closed = (): void => {
      if (--open === 0) o.onClose();
    };
    child.stdout.on("close", closed);
    child.stderr.on("close", closed);
    // After the runtime's exit its pid and log pipes end at once: read them
    // to their end before telling a start from a failure.
    const drained = Promise.all([ended(pidPipe), ended(logPipe)]);
    void child.exited.then(async (code) => {
      await drained;
      begin();
      if (started) return exitCode(code);
      failed = true;
      const said = held
        .map(([, d]) => d.toString())
        .join("")
        .trim();
      held.length = 0;
      reject(new Error(runtimeMessage(log) ?? (said || `exit ${code}`)));
    });
  });
}

/** Resolves when a pipe we read has ended (or failed). */
function ended(s: Socket): Promise<void> {
  return new Promise((resolve) => {
    s.on("close", () => resolve());
    s.resume();
  });
}

/** The last error message of crun's JSON log (`{"msg": …, "level": "error"}` lines). */
function runtimeMessage(text: string): string | undefined {
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
