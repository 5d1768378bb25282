import { spawn } from "node:child_process";
import type { Readable, Writable } from "node:stream";

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
 * outlives us). `attachPipe` adds fd 5 for --exec-attach.
 */
export function spawnConmon(
  conmonPath: string,
  args: string[],
  options: { cwd: string; attachPipe: boolean },
): ConmonProcess {
  const stdio: ("ignore" | "pipe")[] = [
    "ignore",
    "ignore",
    "pipe",
    "pipe",
    "pipe",
  ];
  if (options.attachPipe) stdio.push("pipe");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    _OCI_SYNCPIPE: "3",
    _OCI_STARTPIPE: "4",
  };
  if (options.attachPipe) env._OCI_ATTACHPIPE = "5";
  const child = spawn(conmonPath, args, {
    cwd: options.cwd,
    detached: true,
    stdio,
    env,
  });
  const stderr: Buffer[] = [];
  child.stderr?.on("data", (b: Buffer) => stderr.push(b));
  const pipes = child.stdio as unknown as (Readable | Writable | null)[];
  const sync = pipes[3] as Readable;
  const start = pipes[4] as Writable;
  const attach = pipes[5] as Readable | undefined;
  // conmon closes pipes abruptly when it is done with them; that is not an error.
  for (const s of [sync, start, attach, child.stderr])
    s?.on("error", () => undefined);
  child.on("error", () => undefined);
  const spawnError = new Promise<never>((_, reject) =>
    child.once("error", (err) => reject(err)),
  );
  spawnError.catch(() => undefined);
  const syncLines = new LineQueue(sync, () =>
    Buffer.concat(stderr).toString().trim(),
  );
  const attachLines = attach
    ? new LineQueue(attach, () => "conmon closed the attach pipe")
    : undefined;
  child.unref();
  return {
    nextSync: () => Promise.race([syncLines.next(), spawnError]),
    nextAttach: () => {
      if (!attachLines) throw new Error("conmon spawned without attach pipe");
      return Promise.race([attachLines.next(), spawnError]);
    },
    proceed: () => void start.write(Buffer.from([0])),
    release: () => {
      for (const s of [sync, start, attach, child.stderr]) s?.destroy();
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
