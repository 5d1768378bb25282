import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { Duplex } from "node:stream";
import { chmod, chown, mkdir, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { versionLessThan } from "../api/version.ts";
import { errorMessage } from "../util/errors.ts";
import type { Logger } from "../util/log.ts";
import { RequestContext } from "./http.ts";
import { statusOf } from "./errors.ts";
import type { Router } from "./router.ts";

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

  constructor(router: Router, log: Logger) {
    this.#router = router;
    this.#log = log;
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
      const server = tls
        ? createTlsServer({
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

  /** Stops accepting connections and removes the UNIX sockets. */
  async close(): Promise<void> {
    for (const s of this.#servers) {
      s.close();
      s.closeAllConnections();
    }
    await Promise.all(this.#sockets.map((p) => rm(p, { force: true })));
  }

  async #dispatch(
    req: IncomingMessage,
    res: ServerResponse | undefined,
    socket: Duplex | undefined,
    head: Buffer | undefined,
  ): Promise<void> {
    const url = new URL(req.url ?? "/", "http://wharf");
    let ctx: RequestContext | undefined;
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
      await match.handler(ctx);
    } catch (err) {
      const status = statusOf(err);
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
