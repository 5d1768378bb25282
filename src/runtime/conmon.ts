import type { Socket } from "node:net";
import type { Readable } from "node:stream";
import { spawnDirect, type ExtraFd } from "./posix-spawn.ts";

/**
 * Spawning conmon and speaking its pipe protocol (conmon 2.x, --api-version 1).
 *
 * fds given to conmon: 3 = _OCI_SYNCPIPE (conmon → us: one JSON line
 * `{"data": N, "message": "…"}` per event: the pid once the runtime created
 * the process, a negative number with a message on failure, and for --exec
 * a second line with the exit code), 4 = _OCI_STARTPIPE (us → conmon: one
 * byte lets it proceed; an attached exec waits for a second byte before it
 * runs `runtime exec`), 5 = _OCI_ATTACHPIPE (conmon → us: a line once the
 * attach socket listens; only with --exec-attach).
 */

/** Conmon's sync-pipe message. */
export type SyncMessage = { data: number; message?: string };

/** A running conmon spawn with its pipes. */
export type ConmonProcess = {
  /** Next sync-pipe message; rejects if conmon closes the pipe first. */
  nextSync(): Promise<SyncMessage>;
  /** Next attach-pipe message (attached execs only). */
  nextAttach(): Promise<SyncMessage>;
  /** Writes one byte to the start pipe. */
  proceed(): void;
  /** Drops our ends of every pipe. */
  release(): void;
};

/**
 * Spawns conmon with cwd=bundle in its own session (it double-forks and
 * outlives us). `attachPipe` adds fd 5 for --exec-attach. posix_spawn
 * (posix-spawn.ts), not Node's spawn: a fork of the daemon costs a few
 * milliseconds of a blocked event loop on every container start. conmon
 * points its own stdio at /dev/null once it has forked, so stdout and
 * stderr reach their end when it is running or gone. Throws when conmon
 * cannot be started.
 */
export function spawnConmon(
  conmonPath: string,
  args: string[],
  options: { cwd: string; attachPipe: boolean },
): ConmonProcess {
  const extra: ExtraFd[] = ["from-child", "to-child"];
  const env: Record<string, string> = {
    _OCI_SYNCPIPE: "3",
    _OCI_STARTPIPE: "4",
  };
  if (options.attachPipe) {
    extra.push("from-child");
    env._OCI_ATTACHPIPE = "5";
  }
  const child = spawnDirect([conmonPath, ...args], {
    stdin: false,
    extra,
    cwd: options.cwd,
    env,
  });
  const stderr: Buffer[] = [];
  child.stderr.on("data", (b: Buffer) => stderr.push(b));
  child.stdout.resume();
  const [sync, start, attach] = child.extra as [
    Socket,
    Socket,
    Socket | undefined,
  ];
  const syncLines = new LineQueue(sync, () =>
    Buffer.concat(stderr).toString().trim(),
  );
  const attachLines = attach
    ? new LineQueue(attach, () => "conmon closed the attach pipe")
    : undefined;
  return {
    nextSync: () => syncLines.next(),
    nextAttach: () => {
      if (!attachLines) throw new Error("conmon spawned without attach pipe");
      return attachLines.next();
    },
    proceed: () => void start.write(Buffer.from([0])),
    release: () => {
      for (const s of [sync, start, attach, child.stdout, child.stderr])
        s?.destroy();
    },
  };
}

/** Reads newline-terminated JSON messages from a pipe, one per next(). */
class LineQueue {
  #buf = "";
  #lines: SyncMessage[] = [];
  #waiters: {
    resolve: (m: SyncMessage) => void;
    reject: (e: Error) => void;
  }[] = [];
  #closed = false;
  #why: () => string;

  constructor(stream: Readable, why: () => string) {
    this.#why = why;
    stream.on("data", (chunk: Buffer) => {
      this.#buf += chunk.toString();
      let nl;
      while ((nl = this.#buf.indexOf("\n")) >= 0) {
        const line = this.#buf.slice(0, nl).trim();
        this.#buf = this.#buf.slice(nl + 1);
        if (line) this.#push(parseSync(line));
      }
    });
    const close = (): void => {
      if (this.#buf.trim()) this.#push(parseSync(this.#buf.trim()));
      this.#buf = "";
      this.#closed = true;
      // Give stderr a moment to be collected for the message.
      setImmediate(() => {
        for (const w of this.#waiters.splice(0))
          w.reject(
            new Error(`conmon exited early: ${this.#why() || "no message"}`),
          );
      });
    };
    stream.on("end", close);
    stream.on("close", close);
  }

  next(): Promise<SyncMessage> {
    const m = this.#lines.shift();
    if (m) return Promise.resolve(m);
    if (this.#closed)
      return Promise.reject(
        new Error(`conmon exited early: ${this.#why() || "no message"}`),
      );
    return new Promise((resolve, reject) =>
      this.#waiters.push({ resolve, reject }),
    );
  }

  #push(m: SyncMessage): void {
    const w = this.#waiters.shift();
    if (w) w.resolve(m);
    else this.#lines.push(m);
  }
}

function parseSync(line: string): SyncMessage {
  try {
    const v = JSON.parse(line) as { data?: unknown; message?: unknown };
    const out: SyncMessage = { data: Number(v.data) };
    if (typeof v.message === "string") out.message = v.message;
    return out;
  } catch {
    return { data: -1, message: line };
  }
}
