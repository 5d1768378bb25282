import {
  createServer,
  request,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { TLSSocket } from "node:tls";
import { chmod, chown, mkdir, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { versionLessThan } from "../api/version.ts";
import { errorMessage } from "../util/errors.ts";
import type { Logger } from "../util/log.ts";
import { RequestContext } from "./http.ts";
import { statusOf } from "./errors.ts";
import type { Router } from "./router.ts";
import { memorySocketPair } from "./memory-socket.ts";

/** What `ApiServer.inject` returns: the response as a client saw it. */
export type InjectReply = {
  status: number;
  /** Header names lowercased, as node:http reports them. */
  headers: IncomingHttpHeaders;
  /** The raw body (for streams: everything until the server ended it). */
  payload: Buffer;
  /** The body as UTF-8 text. */
  body: string;
  /** The body parsed as JSON; throws SyntaxError when it is not JSON. */
  json(): unknown;
};

/** Options of `ApiServer.inject`. */
export type InjectOptions = {
  headers?: Record<string, string>;
};

/** Where to listen: a UNIX socket path or a TCP host:port. */
export type Listen =
  | { kind: "unix"; path: string; mode: number; gid?: number }
  | { kind: "tcp"; host: string; port: number; tls?: TlsFiles };

/** PEM contents for a TLS listener; `verify` demands client certificates signed by `ca`. */
export type TlsFiles = {
  key: Buffer;
  cert: Buffer;
  ca?: Buffer;
  verify: boolean;
};

/** One audit line: a state-changing call, who made it and how it ended. */
export type AuditEntry = {
  time: string;
  transport: "unix" | "tcp";
  /** SO_PEERCRED over a UNIX socket; the client certificate's subject over TLS. */
  peer: { uid: number; gid: number; pid: number } | { subject: string } | null;
  method: string;
  path: string;
  /** The object acted on: the route's id or name parameter, "" when none. */
  object: string;
  status: number;
};

/** Where audit entries go (daemon/audit-log.ts). */
export interface AuditSink {
  /** Records one entry; must not throw. */
  record(entry: AuditEntry): void;
}

/** Audit hook of the server: the sink and how to read a UNIX peer's credentials. */
export type AuditOptions = {
  sink: AuditSink;
  peerCred: (
    socket: Socket,
  ) => { uid: number; gid: number; pid: number } | undefined;
};

/**
 * Parses one `-H/--host` value as dockerd does: unix:///path, tcp://host:port,
 * fd:// is not supported. A bare path is a UNIX socket.
 */
export function parseHost(value: string): Listen {
  if (value.startsWith("unix://"))
    return {
      kind: "unix",
      path: value.slice(7) || "/run/wharf/wharf.sock",
      mode: 0o660,
    };
  if (value.startsWith("/")) return { kind: "unix", path: value, mode: 0o660 };
  if (value.startsWith("tcp://")) {
    const u = new URL(value.replace(/^tcp:/, "http:"));
    return {
      kind: "tcp",
      host: u.hostname.replace(/^\[|\]$/g, "") || "127.0.0.1",
      port: Number(u.port || 2375),
    };
  }
  throw new Error(
    `invalid host address ${JSON.stringify(value)}: use unix:///path or tcp://host:port`,
  );
}

/**
 * The HTTP front of wharfd. Routes plain and upgraded requests through one
 * Router and turns thrown errors into Docker's `{"message": …}` bodies.
 */
export class ApiServer {
  #router: Router;
  #log: Logger;
  #servers: Server[] = [];
  #sockets: string[] = [];
  #memory: Server | undefined;
  #audit: AuditOptions | undefined;
  #onRequest: (() => void) | undefined;

  /**
   * `audit` records every state-changing call (POST, PUT, DELETE);
   * `onRequest` is told of every request as it arrives and as its handler
   * ends (the daemon's idle timer).
   */
  constructor(
    router: Router,
    log: Logger,
    audit?: AuditOptions,
    onRequest?: () => void,
  ) {
    this.#router = router;
    this.#log = log;
    this.#audit = audit;
    this.#onRequest = onRequest;
  }

  /** Starts listening on every address; resolves when all are bound. */
  async listen(addresses: Listen[]): Promise<void> {
    for (const addr of addresses) {
      const tls = addr.kind === "tcp" ? addr.tls : undefined;
      const options = {
        requestTimeout: 0,
        headersTimeout: 0,
        keepAliveTimeout: 60_000,
      };
      // Mutual TLS as dockerd's --tlsverify: unknown client certificates are refused in the handshake.
      // node:https (and TLS with it) is loaded only for a TLS listener.
      const server = tls
        ? (await import("node:https")).createServer({
            ...options,
            key: tls.key,
            cert: tls.cert,
            ...(tls.ca ? { ca: tls.ca } : {}),
            requestCert: tls.verify,
            rejectUnauthorized: tls.verify,
          })
        : createServer({
            requestTimeout: 0,
            headersTimeout: 0,
            keepAliveTimeout: 60_000,
          });
      this.#bind(server);
      if (addr.kind === "unix") {
        await mkdir(dirname(addr.path), { recursive: true });
        await rm(addr.path, { force: true });
        await new Promise<void>((resolve, reject) => {
          server.once("error", reject);
          server.listen(addr.path, () => resolve());
        });
        await chmod(addr.path, addr.mode);
        if (addr.gid !== undefined) await chown(addr.path, 0, addr.gid);
        this.#sockets.push(addr.path);
      } else {
        await new Promise<void>((resolve, reject) => {
          server.once("error", reject);
          server.listen(addr.port, addr.host, () => resolve());
        });
      }
      this.#servers.push(server);
    }
  }

  /**
   * Sends one request through the real dispatch in memory, as fastify's
   * `inject` does: Node's HTTP parser, the router with its /v1.NN prefix, the
   * handler and the error mapping all run, but no socket listens. A plain
   * object body is sent as JSON. Resolves when the response has ended, so a
   * streaming route must be given parameters that end it.
   */
  inject(
    method: string,
    path: string,
    body?: string | Buffer | object,
    options: InjectOptions = {},
  ): Promise<InjectReply> {
    const server = (this.#memory ??= this.#bind(createServer()));
    const [client, conn] = memorySocketPair();
    server.emit("connection", conn);
    const json =
      body !== undefined && typeof body === "object" && !Buffer.isBuffer(body);
    const payload = json ? JSON.stringify(body) : body;
    return new Promise((resolve, reject) => {
      const req = request({
        method,
        path,
        createConnection: () => client,
        headers: {
          ...(json ? { "Content-Type": "application/json" } : {}),
          ...(payload !== undefined
            ? { "Content-Length": Buffer.byteLength(payload) }
            : {}),
          ...options.headers,
        },
      });
      const collect = (
        res: IncomingMessage,
        from: NodeJS.ReadableStream,
        head: Buffer,
      ): void => {
        const chunks: Buffer[] = [head];
        from.on("data", (c: Buffer) => chunks.push(c));
        from.on("error", reject);
        from.on("end", () => {
          const data = Buffer.concat(chunks);
          client.destroy();
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            payload: data,
            body: data.toString(),
            json: () => JSON.parse(data.toString()) as unknown,
          });
        });
      };
      req.on("error", reject);
      req.on("response", (res) => collect(res, res, Buffer.alloc(0)));
      // An upgraded (attach, exec start) reply: the raw stream until it ends.
      req.on("upgrade", (res, socket: Duplex, head: Buffer) =>
        collect(res, socket, head),
      );
      req.end(payload);
    });
  }

  /** Stops accepting connections and removes the UNIX sockets. */
  async close(): Promise<void> {
    for (const s of this.#servers) {
      s.close();
      s.closeAllConnections();
    }
    await Promise.all(this.#sockets.map((p) => rm(p, { force: true })));
  }

  /** Routes a server's plain and upgraded requests through #dispatch. */
  #bind(server: Server): Server {
    // Uploads of build contexts and image loads can take minutes.
    server.requestTimeout = 0;
    server.timeout = 0;
    server.on(
      "request",
      (req: IncomingMessage, res: ServerResponse) =>
        void this.#dispatch(req, res, undefined, undefined),
    );
    server.on(
      "upgrade",
      (req: IncomingMessage, socket: Duplex, head: Buffer) =>
        void this.#dispatch(req, undefined, socket, head),
    );
    server.on("clientError", (_err, socket: Duplex) => socket.destroy());
    return server;
  }

  async #dispatch(
    req: IncomingMessage,
    res: ServerResponse | undefined,
    socket: Duplex | undefined,
    head: Buffer | undefined,
  ): Promise<void> {
    this.#onRequest?.();
    const url = new URL(req.url ?? "/", "http://wharf");
    let ctx: RequestContext | undefined;
    const audit = this.#auditStart(req);
    let params: Record<string, string> = {};
    let failed: number | undefined;
    try {
      const match = this.#router.match(req.method ?? "GET", url.pathname);
      ctx = new RequestContext({
        req,
        ...(res ? { res } : {}),
        ...(socket ? { socket } : {}),
        ...(head ? { head } : {}),
        params: match.params,
        query: url.searchParams,
        version: match.version,
      });
      params = match.params;
      await match.handler(ctx);
    } catch (err) {
      const status = statusOf(err);
      failed = status;
      if (status >= 500)
        this.#log.error("handler failed", {
          method: req.method,
          path: url.pathname,
          error: errorMessage(err),
          stack: (err as Error).stack,
        });
      else
        this.#log.debug("request refused", {
          method: req.method,
          path: url.pathname,
          status,
          error: errorMessage(err),
        });
      this.#fail(ctx, req, res, socket, status, errorMessage(err));
    } finally {
      this.#onRequest?.();
      if (audit)
        this.#auditEnd(audit, {
          path: url.pathname,
          object:
            params.id ?? params.name ?? url.searchParams.get("name") ?? "",
          status: failed ?? (res ? res.statusCode : 101),
        });
    }
  }

  /** The start of an audit entry for a state-changing call (peer read now, while connected). */
  #auditStart(
    req: IncomingMessage,
  ): Omit<AuditEntry, "path" | "object" | "status"> | undefined {
    const method = req.method ?? "GET";
    if (!this.#audit || method === "GET" || method === "HEAD") return undefined;
    const sock = req.socket;
    const tls = (sock as TLSSocket).encrypted === true;
    let peer: AuditEntry["peer"] = null;
    if (tls) {
      const subject = (sock as TLSSocket).getPeerCertificate().subject as
        Record<string, string> | undefined;
      if (subject)
        peer = {
          subject: Object.entries(subject)
            .map(([k, v]) => `${k}=${v}`)
            .join(","),
        };
    } else if (!sock.remoteAddress) peer = this.#audit.peerCred(sock) ?? null;
    return {
      time: new Date().toISOString(),
      transport: sock.remoteAddress ? "tcp" : "unix",
      peer,
      method,
    };
  }

  #auditEnd(
    start: Omit<AuditEntry, "path" | "object" | "status">,
    end: { path: string; object: string; status: number },
  ): void {
    try {
      this.#audit?.sink.record({ ...start, ...end });
    } catch (err) {
      this.#log.error("audit log: cannot write", { error: errorMessage(err) });
    }
  }

  #fail(
    ctx: RequestContext | undefined,
    req: IncomingMessage,
    res: ServerResponse | undefined,
    socket: Duplex | undefined,
    status: number,
    message: string,
  ): void {
    if (ctx?.answered) {
      // Headers are out: the best we can do is end the stream.
      if (res) res.destroy();
      else socket?.destroy();
      return;
    }
    if (status === 304) {
      if (res) res.writeHead(304).end();
      else
        socket?.end("HTTP/1.1 304 Not Modified\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    // compat: through API 1.23 moby answers errors as text/plain (http.Error).
    const old = /^\/v(\d+\.\d+)\//.exec(req.url ?? "");
    const plain = old !== null && versionLessThan(old[1]!, "1.24");
    const body = plain ? `${message}\n` : JSON.stringify({ message }) + "\n";
    const type = plain
      ? {
          "Content-Type": "text/plain; charset=utf-8",
          "X-Content-Type-Options": "nosniff",
        }
      : { "Content-Type": "application/json" };
    // An oversized body is left unread: close instead of draining it.
    const close: Record<string, string> = ctx?.closeAfter
      ? { Connection: "close" }
      : {};
    if (res) {
      if (req.method === "HEAD") res.writeHead(status, type).end();
      else
        res
          .writeHead(status, {
            ...type,
            "Content-Length": Buffer.byteLength(body),
            ...close,
          })
          .end(body);
    } else {
      socket?.end(
        `HTTP/1.1 ${status} Error\r\nContent-Type: ${type["Content-Type"]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    }
  }
}
