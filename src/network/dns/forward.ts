/**
 * Forwarding to upstream resolvers: one fresh socket per query (a random
 * source port, so off-path answers are unlikely to match), a timeout per
 * upstream, UDP for UDP clients and TCP (RFC 1035 §4.2.2 length prefix) for
 * TCP clients.
 */
import dgram from "node:dgram";
import net from "node:net";
import { isIP } from "node:net";

/** One upstream resolver. */
export type Upstream = { host: string; port: number };

/** Parses "ip", "ip:port", "[v6]:port" or a bare IPv6 address; undefined when invalid. */
export function parseUpstream(s: string): Upstream | undefined {
  const t = s.trim();
  if (isIP(t)) return { host: t, port: 53 };
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(t) ?? /^([^:]+):(\d+)$/.exec(t);
  const port = Number(m?.[2]);
  if (!m?.[1] || !isIP(m[1]) || !(port > 0 && port < 65536)) return undefined;
  return { host: m[1], port };
}

/** Sends a query over UDP and resolves with the first reply carrying its id; rejects on error or timeout. */
export function forwardUdp(
  query: Buffer,
  upstream: Upstream,
  timeoutMs: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket(
      isIP(upstream.host) === 6 ? "udp6" : "udp4",
    );
    let over = false;
    const done = (err: Error | undefined, reply?: Buffer): void => {
      if (over) return;
      over = true;
      clearTimeout(timer);
      sock.close();
      if (reply) resolve(reply);
      else reject(err ?? new Error("no reply"));
    };
    const timer = setTimeout(
      () => done(new Error(`timeout after ${timeoutMs} ms`)),
      timeoutMs,
    );
    sock.on("error", (err) => done(err));
    sock.on("message", (msg) => {
      // Only a reply to our id counts (RFC 5452 §9.1); anything else is ignored.
      if (msg.length >= 12 && msg.readUInt16BE(0) === query.readUInt16BE(0))
        done(undefined, msg);
    });
    // A connected socket surfaces ICMP port unreachable as ECONNREFUSED at once.
    sock.connect(upstream.port, upstream.host, () => sock.send(query));
  });
}

/** Sends a query over TCP and resolves with the reply's message (without the length prefix). */
export function forwardTcp(
  query: Buffer,
  upstream: Upstream,
  timeoutMs: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(upstream.port, upstream.host);
    let buf = Buffer.alloc(0);
    const done = (err: Error | undefined, reply?: Buffer): void => {
      sock.destroy();
      if (reply) resolve(reply);
      else reject(err ?? new Error("connection closed without a reply"));
    };
    sock.setTimeout(timeoutMs, () =>
      done(new Error(`timeout after ${timeoutMs} ms`)),
    );
    sock.on("error", (err) => done(err));
    sock.on("close", () => done(undefined));
    sock.on("connect", () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(query.length);
      sock.write(Buffer.concat([len, query]));
    });
    sock.on("data", (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0))
        done(undefined, buf.subarray(2, 2 + buf.readUInt16BE(0)));
    });
  });
}
