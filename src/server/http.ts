import { parseFilterJson } from "../conventions/filters.ts";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex, Readable } from "node:stream";
import { PassThrough } from "node:stream";
import type { BodyName } from "../api/body-schemas.ts";
import { InvalidArgumentError } from "../util/errors.ts";
import { checkGoBody } from "../api/body-check.ts";
import { goJsonSyntaxError } from "./json-syntax.ts";

const MiB = 1024 * 1024;
/**
 * The largest JSON request body wharfd reads (create, update, exec, network
 * and volume bodies are a few KiB). compat: dockerd reads any size; a limit
 * keeps one client from making the daemon buffer gigabytes.
 */
export const JSON_BODY_LIMIT = 4 * MiB;

/**
 * One API request as a handler sees it. For a plain request `res` is set; for
 * a request that asked to upgrade (`Connection: Upgrade`, as the Docker CLI
 * sends for attach and exec start) `socket` is set and `res` is not. Both kinds
 * can answer with json()/noContent() until hijack() or stream() is called.
 */
export class RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse | undefined;
  readonly socket: Duplex | undefined;
  /** Path parameters from the route pattern, already URI-decoded. */
  readonly params: Record<string, string>;
  readonly query: URLSearchParams;
  /** The negotiated API version: from the /v1.NN prefix, else the daemon's newest. */
  readonly version: string;
  #head: Buffer;
  #bodyRead = false;
  #closeAfter = false;
  #hijacked = false;

  constructor(options: {
    req: IncomingMessage;
    res?: ServerResponse;
    socket?: Duplex;
    head?: Buffer;
    params: Record<string, string>;
    query: URLSearchParams;
    version: string;
  }) {
    this.req = options.req;
    this.res = options.res;
    this.socket = options.socket;
    this.#head = options.head ?? Buffer.alloc(0);
    this.params = options.params;
    this.query = options.query;
    this.version = options.version;
  }

  /** A path parameter; throws if the route did not declare it. */
  param(name: string): string {
    const v = this.params[name];
    if (v === undefined) throw new Error(`route has no parameter ${name}`);
    return v;
  }

  /** A query string value, or undefined. */
  q(name: string): string | undefined {
    return this.query.get(name) ?? undefined;
  }

  /** A boolean query value: "1", "true", "True" are true (moby's httputils.BoolValue). */
  bool(name: string, fallback = false): boolean {
    const v = this.query.get(name);
    if (v === null) return fallback;
    const s = v.trim().toLowerCase();
    return !(
      s === "" ||
      s === "0" ||
      s === "no" ||
      s === "false" ||
      s === "none"
    );
  }

  /** An integer query value; throws InvalidArgumentError for a non-number. */
  int(name: string): number | undefined {
    const v = this.query.get(name);
    if (v === null || v === "") return undefined;
    const n = Number(v);
    if (!Number.isInteger(n))
      throw new InvalidArgumentError(`invalid value for ${name}: ${v}`);
    return n;
  }

  /** The `filters` query parameter parsed as Docker's map of name → values. */
  filters(): Record<string, string[]> {
    return parseFilterJson(this.query.get("filters"));
  }

  /** The request body as a stream (for uploads such as image load or import). */
  body(): Readable {
    if (this.#bodyRead) throw new Error("request body already consumed");
    this.#bodyRead = true;
    if (!this.socket) return this.req;
    // An upgraded request: Node hands over the raw socket plus what it had
    // already read (`head`); the body is the first Content-Length bytes.
    const length = Number(this.req.headers["content-length"] ?? 0);
    const out = new PassThrough();
    const take = this.#head.subarray(0, length);
    this.#head = this.#head.subarray(take.length);
    out.write(take);
    let missing = length - take.length;
    if (missing <= 0) {
      out.end();
      return out;
    }
    const socket = this.socket;
    const onData = (chunk: Buffer): void => {
      const part = chunk.subarray(0, missing);
      missing -= part.length;
      out.write(part);
      if (missing <= 0) {
        socket.off("data", onData);
        socket.pause();
        const rest = chunk.subarray(part.length);
        if (rest.length) socket.unshift(rest);
        out.end();
      }
    };
    socket.on("data", onData);
    return out;
  }

  /**
   * Reads the whole body as a Buffer, refusing one larger than `limit`
   * bytes before reading it when Content-Length says so, else as soon as
   * the count passes the limit (the rest is never buffered). Throws
   * InvalidArgumentError for an oversized body; the connection is closed
   * after the answer, so the unread rest is dropped rather than drained.
   */
  async bodyBuffer(limit = Infinity): Promise<Buffer> {
    const declared = Number(this.req.headers["content-length"] ?? NaN);
    if (declared > limit) this.#tooLarge(limit);
    const chunks: Buffer[] = [];
    let size = 0;
    const stream = this.body();
    for await (const c of stream) {
      size += (c as Buffer).length;
      if (size > limit) {
        stream.destroy();
        this.#tooLarge(limit);
      }
      chunks.push(c as Buffer);
    }
    return Buffer.concat(chunks);
  }

  #tooLarge(limit: number): never {
    this.#closeAfter = true;
    throw new InvalidArgumentError(
      `request body is too large: the limit for a JSON body is ${limit / MiB} MiB`,
    );
  }

  /** True when the connection must close after the answer (an unread body is left). */
  get closeAfter(): boolean {
    return this.#closeAfter;
  }

  /**
   * Reads a JSON request body of at most JSON_BODY_LIMIT bytes. An empty
   * body gives `fallback` (Docker allows an empty body on many POSTs), else
   * "invalid JSON: got EOF while reading request body". Malformed JSON is
   * refused with Go's decoder text ("invalid JSON: invalid character …").
   * With `name`, the value is also checked against the Go types dockerd
   * decodes that body into (body.ts): wrong types are refused, `null` fields
   * are dropped, keys get their canonical case. All refusals are
   * InvalidArgumentError (400).
   */
  async json<T = unknown>(name?: BodyName, fallback?: T): Promise<T> {
    const buf = await this.bodyBuffer(JSON_BODY_LIMIT);
    const text = buf.toString("utf8");
    if (text.trim() === "") {
      if (fallback !== undefined) return fallback;
      throw new InvalidArgumentError(
        "invalid JSON: got EOF while reading request body",
      );
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      const why = goJsonSyntaxError(text) ?? "unexpected EOF";
      throw new InvalidArgumentError(
        why.startsWith("unexpected content") ? why : `invalid JSON: ${why}`,
      );
    }
    if (!name) return value as T;
    const checked = checkGoBody(name, value);
    if ("error" in checked)
      throw new InvalidArgumentError(`invalid JSON: ${checked.error}`);
    return checked.value as T;
  }

  /** Sends a JSON body with a status. */
  send(
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    const text = JSON.stringify(body) + "\n";
    this.#writeHead(status, {
      "Content-Type": "application/json",
      "Content-Length": String(Buffer.byteLength(text)),
      ...headers,
    });
    this.#end(text);
  }

  /** Sends a plain text body (e.g. `/_ping`'s "OK"). */
  text(
    status: number,
    text: string,
    headers: Record<string, string> = {},
  ): void {
    this.#writeHead(status, {
      "Content-Type": "text/plain; charset=utf-8",
      "Content-Length": String(Buffer.byteLength(text)),
      ...headers,
    });
    this.#end(text);
  }

  /** Sends a status with no body (204, 304, 201 without body). */
  empty(status: number, headers: Record<string, string> = {}): void {
    this.#writeHead(status, { "Content-Length": "0", ...headers });
    this.#end("");
  }

  /**
   * Starts a streaming response and flushes the headers at once (the CLI
   * waits for the headers of /wait before it calls /start). Returns a
   * writable that ends the response when ended.
   */
  stream(
    status: number,
    contentType: string,
    headers: Record<string, string> = {},
  ): NodeJS.WritableStream & { flush?: () => void } {
    if (this.res) {
      this.res.writeHead(status, { "Content-Type": contentType, ...headers });
      this.res.flushHeaders();
      return this.res;
    }
    // An upgrade request answered with a normal streaming response: chunked by hand.
    const socket = this.socket!;
    socket.write(
      rawHead(status, {
        "Content-Type": contentType,
        "Transfer-Encoding": "chunked",
        ...headers,
      }),
    );
    const out = new PassThrough();
    out.on("data", (c: Buffer) =>
      socket.write(
        `${c.length.toString(16)}\r\n${c.toString("latin1")}\r\n`,
        "latin1",
      ),
    );
    out.on("end", () => socket.end("0\r\n\r\n"));
    return out;
  }

  /**
   * Takes over the connection for a raw duplex stream (attach, exec start).
   * With an upgrade request: answers 101 UPGRADED; otherwise 200 with the
   * raw-stream content type, as moby's hijack does. `multiplexed` picks the
   * content type Docker uses for non-tty (stdcopy-framed) streams.
   */
  hijack(multiplexed: boolean): Duplex {
    if (this.#hijacked) throw new Error("already hijacked");
    this.#hijacked = true;
    const type = multiplexed
      ? "application/vnd.docker.multiplexed-stream"
      : "application/vnd.docker.raw-stream";
    if (this.socket) {
      this.socket.write(
        rawHead(
          101,
          { "Content-Type": type, Connection: "Upgrade", Upgrade: "tcp" },
          "UPGRADED",
        ),
      );
      if (this.#head.length) {
        this.socket.unshift(this.#head);
        this.#head = Buffer.alloc(0);
      }
      this.socket.resume();
      return this.socket;
    }
    const socket = this.req.socket;
    // Detach the socket from Node's HTTP machinery: the rest is raw bytes.
    this.res!.detachSocket(socket);
    // compat: without an Upgrade header moby always says raw-stream.
    socket.write(
      rawHead(200, { "Content-Type": "application/vnd.docker.raw-stream" }),
    );
    socket.resume();
    return socket;
  }

  /** True once headers are sent or the connection was hijacked. */
  get answered(): boolean {
    return this.#hijacked || (this.res ? this.res.headersSent : false);
  }

  #writeHead(status: number, headers: Record<string, string>): void {
    if (this.res) this.res.writeHead(status, headers);
    else this.socket!.write(rawHead(status, headers));
  }

  #end(text: string): void {
    if (this.res) this.res.end(text);
    else this.socket!.end(text);
  }
}

const reasons: Record<number, string> = {
  101: "UPGRADED",
  200: "OK",
  201: "Created",
  204: "No Content",
  304: "Not Modified",
  400: "Bad Request",
  404: "Not Found",
  409: "Conflict",
  500: "Internal Server Error",
  501: "Not Implemented",
};

function rawHead(
  status: number,
  headers: Record<string, string>,
  reason?: string,
): string {
  const lines = [`HTTP/1.1 ${status} ${reason ?? reasons[status] ?? "Status"}`];
  for (const [k, v] of Object.entries({
    Date: new Date().toUTCString(),
    ...headers,
  }))
    lines.push(`${k}: ${v}`);
  return lines.join("\r\n") + "\r\n\r\n";
}
