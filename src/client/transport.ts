/**
 * HTTP over the daemon socket: lazy API version negotiation with `HEAD /_ping`,
 * the /v1.NN path prefix, JSON bodies, error mapping and connection hijacking
 * for attach and exec start.
 */
import http from "node:http";
import https from "node:https";
import type { Duplex, Readable } from "node:stream";
import { API_VERSION, compareVersions } from "../api/version.ts";
import { parseHost, type HostAddress } from "./host.ts";
import { dialSsh } from "./ssh.ts";

/**
 * TLS for a tcp:// daemon: `verify` checks the daemon's certificate against
 * `ca` (the Docker CLI's --tlsverify); without it the connection is encrypted
 * but the server is not checked (--tls). `cert`/`key` are the client's.
 */
export type ClientTls = {
  verify: boolean;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
};

/** Options of a Transport: a pinned API version, TLS for tcp:// hosts. */
export type TransportOptions = { version?: string; tls?: ClientTls };

/** A non-2xx answer from the daemon; `message` is the daemon's own text. */
export class ClientError extends Error {
  override name = "ClientError";
  /** The HTTP status code. */
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** The daemon could not be reached at all (no socket, refused, reset). */
export class ConnectionError extends Error {
  override name = "ConnectionError";
}

/** Query values: undefined is left out, booleans become 1/0, arrays repeat the key, objects become JSON. */
export type QueryValue = string | number | boolean | undefined | object;

/** Options of one request. */
export type RequestOptions = {
  query?: Record<string, QueryValue>;
  /** A plain value is sent as JSON; a Buffer or stream as is. */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
};

/** Builds `?a=1&b=x` from a query bag (empty string when nothing is set). */
export function encodeQuery(query: Record<string, QueryValue> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const item of v) params.append(k, String(item));
    else if (typeof v === "boolean") params.set(k, v ? "1" : "0");
    else if (typeof v === "object") params.set(k, JSON.stringify(v));
    else params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : "";
}

function isStream(v: unknown): v is Readable {
  return typeof (v as { pipe?: unknown } | null)?.pipe === "function";
}

/** Sends requests to one daemon. Versions are negotiated once, on first use. */
export class Transport {
  readonly address: HostAddress;
  readonly #tls: ClientTls | undefined;
  #agent: http.Agent;
  #version: Promise<string> | undefined;
  #sockets = new Set<Duplex>();

  constructor(host: string, options: TransportOptions = {}) {
    this.#tls = options.tls;
    this.address = parseHost(host, options.tls !== undefined);
    this.#agent =
      this.#tls && this.address.kind === "tcp"
        ? new https.Agent({ keepAlive: true, ...tlsOptions(this.#tls) })
        : new http.Agent({ keepAlive: true });
    if (options.version) this.#version = Promise.resolve(options.version);
  }

  /** The negotiated API version: min(ours, the daemon's API-Version header). */
  version(): Promise<string> {
    this.#version ??= this.#negotiate();
    return this.#version;
  }

  async #negotiate(): Promise<string> {
    const res = await this.#send("HEAD", "/_ping", {}, false);
    res.resume();
    const header = res.headers["api-version"];
    // compat: the Docker CLI falls back to 1.24 when the daemon sends no API-Version.
    const theirs = typeof header === "string" && header ? header : "1.24";
    return compareVersions(theirs, API_VERSION) < 0 ? theirs : API_VERSION;
  }

  /** Sends a request under /v1.NN; resolves with the response when 2xx or 3xx, else throws ClientError. */
  async request(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<http.IncomingMessage> {
    const version = await this.version();
    const res = await this.#send(
      method,
      `/v${version}${path}${encodeQuery(options.query)}`,
      options,
      false,
    );
    const status = res.statusCode ?? 0;
    // compat: like Docker's client, 3xx (304 "already started/stopped") is not an error.
    if (status >= 200 && status < 400) return res;
    throw await errorFrom(res);
  }

  /** Sends an unversioned request (for /_ping); any status resolves. */
  unversioned(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<http.IncomingMessage> {
    return this.#send(
      method,
      path + encodeQuery(options.query),
      options,
      false,
    );
  }

  /** Sends a request and parses its JSON body (undefined for an empty body). */
  async json<T>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<T> {
    const res = await this.request(method, path, options);
    const text = await readText(res);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /**
   * Sends `Connection: Upgrade, Upgrade: tcp` and resolves with the raw socket
   * after 101; a plain 2xx is a ClientError. Bytes the
   * daemon sent with the 101 are pushed back onto the socket.
   */
  async hijack(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<Duplex> {
    const version = await this.version();
    const res = await this.#send(
      method,
      `/v${version}${path}${encodeQuery(options.query)}`,
      {
        ...options,
        headers: { ...options.headers, Connection: "Upgrade", Upgrade: "tcp" },
      },
      true,
    );
    if ("upgraded" in res) return res.upgraded;
    const msg = res;
    const status = msg.statusCode ?? 0;
    if (status >= 200 && status < 300) {
      msg.resume();
      throw new ClientError(
        status,
        "the daemon did not upgrade the connection",
      );
    }
    throw await errorFrom(msg);
  }

  /** Closes idle keep-alive connections (and ssh sessions). */
  close(): void {
    this.#agent.destroy();
    for (const s of this.#sockets) s.destroy();
  }

  /** Where and how to connect, per address kind. */
  #target(upgrade: boolean): http.RequestOptions {
    const a = this.address;
    const agent = upgrade ? { agent: false as const } : { agent: this.#agent };
    if (a.kind === "unix")
      return { socketPath: a.socketPath, host: "api.moby.localhost", ...agent };
    if (a.kind === "ssh")
      // Every request gets its own ssh session: with createConnection and no agent
      // Node's http makes one connection per request and closes it after the response.
      return {
        host: "api.moby.localhost",
        createConnection: () => {
          const s = dialSsh(a);
          this.#sockets.add(s);
          s.once("close", () => this.#sockets.delete(s));
          return s;
        },
      };
    const tls = this.#tls && upgrade ? tlsOptions(this.#tls) : {};
    return { host: a.host, port: a.port, ...tls, ...agent };
  }

  #send(
    method: string,
    path: string,
    options: RequestOptions,
    upgrade: false,
  ): Promise<http.IncomingMessage>;
  #send(
    method: string,
    path: string,
    options: RequestOptions,
    upgrade: true,
  ): Promise<http.IncomingMessage | { upgraded: Duplex }>;
  #send(
    method: string,
    path: string,
    options: RequestOptions,
    upgrade: boolean,
  ): Promise<http.IncomingMessage | { upgraded: Duplex }> {
    const a = this.address;
    const headers: Record<string, string> = {
      "User-Agent": "wharf-cli",
      ...options.headers,
    };
    let payload: Buffer | Readable | undefined;
    const body = options.body;
    if (Buffer.isBuffer(body) || isStream(body)) payload = body;
    else if (body !== undefined) {
      payload = Buffer.from(JSON.stringify(body));
      headers["Content-Type"] ??= "application/json";
    }
    if (Buffer.isBuffer(payload))
      headers["Content-Length"] = String(payload.length);
    const secure = this.#tls !== undefined && a.kind === "tcp";
    return new Promise((resolve, reject) => {
      const req = (secure ? https : http).request({
        method,
        path,
        headers,
        ...this.#target(upgrade),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      req.on("error", (err: NodeJS.ErrnoException) => {
        if (
          err.code &&
          /^(ENOENT|ECONNREFUSED|EACCES)$/.test(err.code) &&
          !req.reusedSocket
        )
          reject(connectionError(a.url, err));
        else if (!req.reusedSocket && (secure || a.kind === "ssh"))
          // compat: the Docker CLI's "error during connect: <method> "<url>": <cause>".
          reject(
            new ConnectionError(
              `error during connect: ${method} "${secure ? "https" : "http"}://${a.kind === "tcp" ? `${a.host}:${a.port}` : "api.moby.localhost"}${path}": ${err.message}`,
            ),
          );
        else if (
          err.code &&
          /^(ECONNRESET|EPIPE)$/.test(err.code) &&
          !req.reusedSocket
        )
          reject(connectionError(a.url, err));
        else reject(err);
      });
      req.on("response", resolve);
      req.on("upgrade", (_res, socket, head) => {
        if (head.length) socket.unshift(head);
        resolve({ upgraded: socket });
      });
      if (isStream(payload)) payload.pipe(req);
      else req.end(payload);
    });
  }
}

function tlsOptions(tls: ClientTls): https.AgentOptions {
  return {
    rejectUnauthorized: tls.verify,
    ...(tls.ca ? { ca: tls.ca } : {}),
    ...(tls.cert ? { cert: tls.cert } : {}),
    ...(tls.key ? { key: tls.key } : {}),
  };
}

function connectionError(url: string, err: NodeJS.ErrnoException): Error {
  if (err.code === "EACCES")
    return new ConnectionError(
      `permission denied while trying to connect to the daemon socket at ${url}`,
    );
  return new ConnectionError(
    `Cannot connect to the wharf daemon at ${url}. Is the daemon running?`,
  );
}

/** Reads a whole response body as UTF-8. */
export async function readText(res: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function errorFrom(res: http.IncomingMessage): Promise<ClientError> {
  const status = res.statusCode ?? 0;
  const text = await readText(res);
  let message = text.trim();
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === "string") message = parsed.message;
  } catch {
    // compat: some errors (e.g. 404 page not found) are plain text, kept as sent.
  }
  if (!message) message = `${status} ${http.STATUS_CODES[status] ?? ""}`.trim();
  return new ClientError(status, message);
}
