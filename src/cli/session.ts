/**
 * An interactive or streamed session over a hijacked connection (run, start
 * -a, attach, exec): output to stdout/stderr (demultiplexed unless tty),
 * stdin forwarded with its EOF half-closing the connection, the local terminal
 * in raw mode for a tty, remote resizes following the local window, and the
 * detach key sequence (default ctrl-p ctrl-q) ending the session.
 */
import type { Duplex } from "node:stream";
import { demuxStream } from "../client/index.ts";
import type { Io } from "./command.ts";

/** Docker's default detach sequence. */
export const DEFAULT_DETACH_KEYS = "ctrl-p,ctrl-q";

/** Parses "ctrl-p,ctrl-q" or "a,ctrl-c" into bytes. Throws Error on bad keys, in Docker's words. */
export function parseDetachKeys(spec: string): number[] {
  return spec.split(",").map((key) => {
    const k = key.trim();
    if (k.length === 1) return k.charCodeAt(0);
    const m = /^ctrl-([a-z@[\\\]^_])$/.exec(k);
    if (!m) throw new Error(`Invalid detach keys (${spec}) provided`);
    const c = m[1] ?? "";
    return c >= "a" && c <= "z" ? c.charCodeAt(0) - 96 : c.charCodeAt(0) & 0x1f;
  });
}

/** Finds the detach sequence in input, holding back bytes of a partial match. */
export class DetachKeyFilter {
  #keys: number[];
  #held: number[] = [];
  constructor(keys: number[]) {
    this.#keys = keys;
  }
  /** Feeds input: the bytes to forward, and whether the sequence completed. */
  push(chunk: Buffer): { forward: Buffer; detached: boolean } {
    const out: number[] = [];
    for (const byte of chunk) {
      if (byte === this.#keys[this.#held.length]) {
        this.#held.push(byte);
        if (this.#held.length === this.#keys.length)
          return { forward: Buffer.from(out), detached: true };
        continue;
      }
      out.push(...this.#held);
      this.#held = [];
      if (byte === this.#keys[0]) this.#held.push(byte);
      else out.push(byte);
    }
    return { forward: Buffer.from(out), detached: false };
  }
}

/** Options of a session. */
export type SessionOptions = {
  tty: boolean;
  /** Forward stdin (attach -i, run -i, exec -i). */
  stdin: boolean;
  detachKeys?: string;
  /** Resizes the remote tty; called now and on every local window change when tty. */
  resize?: (size: { h: number; w: number }) => Promise<void>;
};

/** How a session ended. */
export type SessionEnd = "ended" | "detached";

/** Runs a session until the output ends or the user detaches; always restores the terminal. */
export async function runSession(
  conn: Duplex,
  io: Io,
  options: SessionOptions,
): Promise<SessionEnd> {
  const { stdin, stdout } = io;
  const raw =
    options.tty &&
    options.stdin &&
    stdin.isTTY === true &&
    typeof stdin.setRawMode === "function";
  const keys = parseDetachKeys(options.detachKeys || DEFAULT_DETACH_KEYS);
  const filter = new DetachKeyFilter(keys);
  let detach: (() => void) | undefined;
  const detached = new Promise<SessionEnd>(
    (ok) => (detach = () => ok("detached")),
  );
  const onData = (chunk: Buffer | string): void => {
    const data = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    // compat: the Docker CLI watches for the detach keys itself only with a tty.
    const { forward, detached: done } = options.tty
      ? filter.push(data)
      : { forward: data, detached: false };
    if (forward.length) conn.write(forward);
    if (done) detach?.();
  };
  const onEnd = (): void => void conn.end();
  const onResize = (): void => {
    if (stdout.rows && stdout.columns)
      void options
        .resize?.({ h: stdout.rows, w: stdout.columns })
        .catch(() => undefined);
  };
  if (raw) stdin.setRawMode?.(true);
  if (options.stdin) {
    stdin.on("data", onData);
    stdin.once("end", onEnd);
    stdin.resume();
  }
  if (options.tty && stdout.isTTY) {
    onResize();
    (stdout as NodeJS.EventEmitter).on("resize", onResize);
  }
  try {
    const output = options.tty
      ? (async () => {
          for await (const chunk of conn) stdout.write(chunk as Buffer);
        })()
      : demuxStream(conn, stdout, io.stderr);
    return await Promise.race([output.then(() => "ended" as const), detached]);
  } finally {
    if (raw) stdin.setRawMode?.(false);
    stdin.off("data", onData);
    stdin.off("end", onEnd);
    if (options.stdin) stdin.pause();
    (stdout as NodeJS.EventEmitter).off("resize", onResize);
    conn.destroy();
  }
}
