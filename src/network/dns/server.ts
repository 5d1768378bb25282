/**
 * The embedded DNS server: one instance, bound on many addresses (each
 * user-defined network's gateway), UDP and TCP on the same port, answering
 * through one Resolver. Containers' resolv.conf points at their network's
 * gateway, so the address a query arrives on tells which network asks.
 */
import dgram from "node:dgram";
import net from "node:net";
import { isIP } from "node:net";
import { errorMessage, isErrno } from "../../util/errors.ts";
import type { Logger } from "../../util/log.ts";
import {
  Resolver,
  type QueryContext,
  type ResolverOptions,
} from "./resolver.ts";

type Binding = { udp: dgram.Socket; tcp: net.Server; port: number };

/** Idle TCP connections are closed after this long, in ms (RFC 7766 §6.2.3 suggests seconds). */
const TCP_IDLE_MS = 10_000;

/** Strips the IPv4-mapped prefix Node reports on dual-stack sockets. */
function plain(address: string | undefined): string {
  return (address ?? "").replace(/^::ffff:(?=\d+\.)/, "");
}

/** A DNS server for containers; bind/unbind are idempotent per address. */
export class DnsServer {
  #resolver: Resolver;
  #log: Logger;
  #bindings = new Map<string, Binding>();
  #conns = new Set<net.Socket>();

  constructor(options: ResolverOptions) {
    this.#resolver = new Resolver(options);
    this.#log = options.log;
  }

  /**
   * Listens on address (UDP and TCP, port 53 by default; 0 picks a free port
   * shared by both). A second bind of the same address does nothing. Throws
   * the socket error (EADDRINUSE, EADDRNOTAVAIL) and leaves nothing bound.
   */
  async bind(address: string, port = 53): Promise<void> {
    if (this.#bindings.has(address)) return;
    for (let attempt = 0; ; attempt++) {
      const udp = await this.#udp(address, port);
      const actual = udp.address().port;
      try {
        const tcp = await this.#tcp(address, actual);
        this.#bindings.set(address, { udp, tcp, port: actual });
        return;
      } catch (err) {
        udp.close();
        // A random UDP port may be taken on TCP: pick another (only when the caller let us choose).
        if (port !== 0 || !isErrno(err, "EADDRINUSE") || attempt > 8) throw err;
      }
    }
  }

  /** The port bound on address, or undefined when not bound. */
  port(address: string): number | undefined {
    return this.#bindings.get(address)?.port;
  }

  /** The addresses currently bound. */
  addresses(): string[] {
    return [...this.#bindings.keys()];
  }

  /** Stops listening on address; nothing happens when it is not bound. */
  async unbind(address: string): Promise<void> {
    const b = this.#bindings.get(address);
    if (!b) return;
    this.#bindings.delete(address);
    await Promise.all([
      new Promise<void>((ok) => b.udp.close(() => ok())),
      new Promise<void>((ok) => b.tcp.close(() => ok())),
    ]);
  }

  /** Stops listening everywhere and drops open TCP connections. */
  async close(): Promise<void> {
    for (const c of this.#conns) c.destroy();
    await Promise.all(this.addresses().map((a) => this.unbind(a)));
  }

  #udp(address: string, port: number): Promise<dgram.Socket> {
    const sock = dgram.createSocket(isIP(address) === 6 ? "udp6" : "udp4");
    return new Promise((resolve, reject) => {
      sock.once("error", reject);
      sock.bind({ address, port, exclusive: true }, () => {
        sock.off("error", reject);
        sock.on("error", (err) =>
          this.#log.warn("dns: udp socket error", {
            address,
            error: errorMessage(err),
          }),
        );
        sock.on("message", (msg, rinfo) => {
          const ctx = {
            client: plain(rinfo.address),
            local: address,
            localPort: sock.address().port,
            tcp: false,
          };
          this.#reply(msg, ctx, (reply) =>
            // The socket may have been unbound while an upstream was asked.
            sock.send(reply, rinfo.port, rinfo.address, () => undefined),
          );
        });
        resolve(sock);
      });
    });
  }

  #tcp(address: string, port: number): Promise<net.Server> {
    const server = net.createServer((conn) => this.#serveTcp(conn, address));
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host: address, port, exclusive: true }, () => {
        server.off("error", reject);
        server.on("error", (err) =>
          this.#log.warn("dns: tcp server error", {
            address,
            error: errorMessage(err),
          }),
        );
        resolve(server);
      });
    });
  }

  /** Answers one query and hands the reply to send; a failure (a throwing lookup, a closed socket) is logged, never thrown. */
  #reply(msg: Buffer, ctx: QueryContext, send: (reply: Buffer) => void): void {
    this.#resolver
      .answer(msg, ctx)
      .then((reply) => reply && send(reply))
      .catch((err: unknown) =>
        this.#log.warn("dns: query failed", {
          client: ctx.client,
          error: errorMessage(err),
        }),
      );
  }

  /** Reads length-prefixed queries (RFC 1035 §4.2.2), possibly pipelined, and answers each. */
  #serveTcp(conn: net.Socket, local: string): void {
    this.#conns.add(conn);
    conn.on("close", () => this.#conns.delete(conn));
    conn.on("error", () => conn.destroy());
    conn.setTimeout(TCP_IDLE_MS, () => conn.destroy());
    const ctx = {
      client: plain(conn.remoteAddress),
      local,
      localPort: conn.localPort ?? 53,
      tcp: true,
    };
    let buf = Buffer.alloc(0);
    conn.on("data", (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + msg.length);
        this.#reply(msg, ctx, (reply) => {
          if (conn.destroyed) return;
          const len = Buffer.alloc(2);
          len.writeUInt16BE(reply.length);
          conn.write(Buffer.concat([len, reply]));
        });
      }
    });
  }
}
