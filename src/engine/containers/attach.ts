import type { Duplex } from "node:stream";
import type { AttachOptions } from "../../api/container-requests.ts";
import type { AttachConnection } from "../../runtime/index.ts";
import { InvalidArgumentError } from "../../util/errors.ts";

/** Options of an attach request (query of POST /containers/{id}/attach). */
export type AttachRequest = AttachOptions;

/** Docker's stdcopy header for one chunk of a multiplexed stream. */
export function frame(stream: 1 | 2, data: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h[0] = stream;
  h.writeUInt32BE(data.length, 4);
  return Buffer.concat([h, data]);
}

/** moby/term's key names; a name's index is its byte ("ctrl-@" is 0). */
const CTRL_KEYS = [
  "ctrl-@",
  ..."abcdefghijklmnopqrstuvwxyz".split("").map((c) => `ctrl-${c}`),
  "ctrl-[",
  "ctrl-\\",
  "ctrl-]",
  "ctrl-^",
  "ctrl-_",
];

/**
 * Parses a detach-keys string ("ctrl-p,ctrl-q", "a,ctrl-\\", "DEL") into
 * bytes as moby/term's ToBytes does: one-byte keys as themselves, names
 * exactly as written (lower case, no spaces). Throws InvalidArgumentError
 * "Unknown character: '<key>'" for anything else.
 */
export function parseDetachKeys(keys: string): Buffer {
  const out: number[] = [];
  for (const key of keys.split(",")) {
    if (Buffer.byteLength(key) === 1) out.push(key.charCodeAt(0));
    else if (CTRL_KEYS.includes(key)) out.push(CTRL_KEYS.indexOf(key));
    else if (key === "DEL") out.push(127);
    else throw new InvalidArgumentError(`Unknown character: '${key}'`);
  }
  return Buffer.from(out);
}

/**
 * One attached client: output from the monitor goes to the client (framed
 * when `multiplexed`), the client's bytes go to stdin until the detach
 * sequence. Calls onDetach/onEnd once.
 */
export class AttachSession {
  readonly client: Duplex;
  readonly request: AttachRequest;
  #multiplexed: boolean;
  #detach: Buffer;
  #matched = 0;
  #held: Buffer[] = [];
  #conn: AttachConnection | undefined;
  #ended = false;
  #onDetach: () => void;
  #stdinOnce: boolean;
  #early: Buffer[] = [];
  #inputEnded = false;
  #closed!: () => void;
  #tty: boolean;
  /** Resolves once the session ended (detach, process end or client gone). */
  readonly closed: Promise<void> = new Promise((r) => (this.#closed = r));

  constructor(
    client: Duplex,
    request: AttachRequest,
    o: {
      multiplexed: boolean;
      stdinOnce: boolean;
      /** The process has a tty: only then do detach keys detach. */
      tty: boolean;
      onDetach: () => void;
    },
  ) {
    this.client = client;
    this.request = request;
    this.#multiplexed = o.multiplexed;
    this.#stdinOnce = o.stdinOnce;
    this.#onDetach = o.onDetach;
    this.#tty = o.tty;
    this.#detach = parseDetachKeys(request.detachKeys || "ctrl-p,ctrl-q");
    client.on("error", () => this.end());
    client.on("close", () => this.end());
    if (!request.stdin) return;
    // Listen at once: the CLI sends piped stdin right after the hijack,
    // before /start, i.e. before there is a monitor connection.
    client.on("data", (chunk: Buffer) => {
      if (this.#conn) this.#input(chunk);
      else this.#early.push(chunk);
    });
    client.on("end", () => {
      this.#inputEnded = true;
      // compat: with StdinOnce, the client's EOF closes the process's stdin.
      if (this.#conn && this.#stdinOnce) this.#conn.endStdin();
    });
  }

  /** Output from the monitor. */
  output(stream: 1 | 2, data: Buffer): void {
    if (this.#ended) return;
    if (stream === 1 && !this.request.stdout) return;
    if (stream === 2 && !this.request.stderr) return;
    this.client.write(this.#multiplexed ? frame(stream, data) : data);
  }

  /**
   * Writes text the daemon itself sends (an error after the hijack) on the
   * stdout stream, framed when multiplexed, as moby's router does.
   */
  message(text: string): void {
    if (this.#ended) return;
    const data = Buffer.from(text);
    this.client.write(this.#multiplexed ? frame(1, data) : data);
  }

  /** Wires the client's input to the monitor connection. */
  connect(conn: AttachConnection): void {
    this.#conn = conn;
    if (this.#ended) return conn.close();
    for (const chunk of this.#early.splice(0)) this.#input(chunk);
    if (this.#inputEnded && this.#stdinOnce) conn.endStdin();
  }

  /** Ends the client side once (process ended or client left). */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#closed();
    this.#conn?.close();
    if (!this.client.destroyed) this.client.end();
  }

  #input(chunk: Buffer): void {
    // compat: moby watches for the detach keys only with a tty (copyEscapable).
    if (!this.#tty) return this.#conn?.write(chunk);
    const pass: number[] = [];
    for (const byte of chunk) {
      if (this.#matched && byte !== this.#detach[this.#matched]) {
        // A partial detach sequence that did not complete is plain input.
        for (const h of this.#held) pass.push(...h);
        this.#held = [];
        this.#matched = 0;
      }
      if (byte !== this.#detach[this.#matched]) {
        pass.push(byte);
        continue;
      }
      this.#matched++;
      this.#held.push(Buffer.from([byte]));
      if (this.#matched === this.#detach.length) {
        this.#matched = 0;
        this.#held = [];
        if (pass.length) this.#conn?.write(Buffer.from(pass));
        this.#onDetach();
        this.end();
        return;
      }
    }
    if (pass.length) this.#conn?.write(Buffer.from(pass));
  }
}
