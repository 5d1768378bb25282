import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import {
  connect,
  createServer,
  type Server,
  type Socket as NetSocket,
} from "node:net";
import { WharfError } from "../util/errors.ts";
import type { Logger } from "../util/log.ts";
import type { PortRule } from "./firewall.ts";

/** Docker's idle time of a UDP client session (UDPConnTrackTimeout). */
export const UDP_IDLE_MS = 90_000;

/** Largest UDP payload over IPv4. */
const UDP_MAX = 65507;

type Listener = { rule: PortRule; close: () => Promise<void> };

/**
 * The userland proxy (daemon option userland-proxy, Docker's docker-proxy
 * run inside wharfd): for each published port a listener on
 * HostIp:HostPort that forwards to containerIp:containerPort. TCP splices
 * each accepted connection to a fresh one to the container, half-closes
 * included; UDP keeps one socket per client (address, port) towards the
 * container, dropped after `udpIdleMs` without traffic. Listening is what
 * reserves the port on the host, so a port a host process holds fails the
 * start. Listeners live in this process: they end with wharfd.
 */
export class UserlandProxy {
  #owners = new Map<string, Listener[]>();
  #log: Logger;
  #udpIdleMs: number;

  constructor(options: { log: Logger; udpIdleMs?: number }) {
    this.#log = options.log;
    this.#udpIdleMs = options.udpIdleMs ?? UDP_IDLE_MS;
  }

  /**
   * Starts the listeners of owner (a container id), all or nothing,
   * replacing any it had. `endpoint` names it in errors. Throws WharfError
   * with Docker's "driver failed programming external connectivity on
   * endpoint web (<id>): Error starting userland proxy: listen tcp4
   * 0.0.0.0:8080: bind: address already in use".
   */
  async start(
    owner: string,
    rules: PortRule[],
    endpoint: string,
  ): Promise<void> {
    await this.stop(owner);
    const done: Listener[] = [];
    try {
      for (const rule of rules)
        done.push(
          rule.proto === "tcp" ? await this.#tcp(rule) : await this.#udp(rule),
        );
    } catch (err) {
      await Promise.all(done.map((l) => l.close()));
      throw new WharfError(
        `driver failed programming external connectivity on endpoint ${endpoint}: Error starting userland proxy: ${(err as Error).message}`,
      );
    }
    if (done.length) this.#owners.set(owner, done);
  }

  /** Closes owner's listeners and their sessions; idempotent. */
  async stop(owner: string): Promise<void> {
    const list = this.#owners.get(owner);
    this.#owners.delete(owner);
    await Promise.all((list ?? []).map((l) => l.close()));
  }

  /** The rules owner has listeners for (empty when none). */
  listening(owner: string): PortRule[] {
    return (this.#owners.get(owner) ?? []).map((l) => l.rule);
  }

  /** Closes every listener (daemon shutdown). */
  async close(): Promise<void> {
    await Promise.all([...this.#owners.keys()].map((o) => this.stop(o)));
  }

  /** The Listener of a bound socket: errors after binding are logged, not thrown. */
  #bound(
    rule: PortRule,
    socket: Server | Socket,
    what: string,
    close: () => Promise<void>,
  ): Listener {
    socket.on("error", (err: Error) =>
      this.#log.warn(`userland proxy: ${what} error`, {
        port: rule.hostPort,
        err: err.message,
      }),
    );
    return { rule, close };
  }

  #tcp(rule: PortRule): Promise<Listener> {
    const host = hostOf(rule);
    const open = new Set<NetSocket>();
    const server: Server = createServer({ allowHalfOpen: true }, (client) => {
      const upstream = connect({
        host: rule.containerIp,
        port: rule.containerPort,
        allowHalfOpen: true,
      });
      open.add(client).add(upstream);
      const end = (): void => {
        client.destroy();
        upstream.destroy();
        open.delete(client);
        open.delete(upstream);
      };
      client.on("error", end).on("close", end);
      upstream.on("error", end).on("close", end);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    return new Promise<Listener>((resolve, reject) => {
      server.once("error", (err) =>
        reject(bindError(err, `tcp4 ${host}:${rule.hostPort}`)),
      );
      server.listen({ host, port: rule.hostPort, exclusive: true }, () => {
        resolve(
          this.#bound(rule, server, "listener", () => {
            // Open connections die with the listener, as with docker-proxy.
            for (const s of open) s.destroy();
            return new Promise<void>((ok) => server.close(() => ok()));
          }),
        );
      });
    });
  }

  #udp(rule: PortRule): Promise<Listener> {
    const host = hostOf(rule);
    const sock = createSocket({ type: "udp4", reuseAddr: false });
    const sessions = new Map<string, { up: Socket; timer: NodeJS.Timeout }>();
    const drop = (key: string): void => {
      const s = sessions.get(key);
      if (!s) return;
      sessions.delete(key);
      clearTimeout(s.timer);
      s.up.close();
    };
    const session = (from: RemoteInfo): Socket => {
      const key = `${from.address}:${from.port}`;
      const old = sessions.get(key);
      if (old) {
        old.timer.refresh();
        return old.up;
      }
      const up = createSocket("udp4");
      up.on("message", (msg, src) => {
        if (src.address !== rule.containerIp || src.port !== rule.containerPort)
          return;
        sessions.get(key)?.timer.refresh();
        sock.send(msg, from.port, from.address);
      });
      up.on("error", () => drop(key));
      const timer = setTimeout(() => drop(key), this.#udpIdleMs);
      timer.unref();
      sessions.set(key, { up, timer });
      return up;
    };
    sock.on("message", (msg, from) => {
      if (msg.length > UDP_MAX) return;
      session(from).send(msg, rule.containerPort, rule.containerIp);
    });
    return new Promise((resolve, reject) => {
      sock.once("error", (err) => {
        sock.close();
        reject(bindError(err, `udp4 ${host}:${rule.hostPort}`));
      });
      sock.bind({ address: host, port: rule.hostPort, exclusive: true }, () => {
        sock.removeAllListeners("error");
        resolve(
          this.#bound(rule, sock, "udp listener", () => {
            for (const key of [...sessions.keys()]) drop(key);
            return new Promise<void>((ok) => sock.close(() => ok()));
          }),
        );
      });
    });
  }
}

function hostOf(rule: PortRule): string {
  return rule.hostIp || "0.0.0.0";
}

/** Go's wording of a failed listen: "listen tcp4 0.0.0.0:80: bind: address already in use". */
function bindError(err: Error, where: string): Error {
  const code = (err as NodeJS.ErrnoException).code ?? "";
  const why =
    {
      EADDRINUSE: "address already in use",
      EACCES: "permission denied",
      EADDRNOTAVAIL: "cannot assign requested address",
    }[code] ?? err.message;
  return new Error(`listen ${where}: bind: ${why}`);
}
