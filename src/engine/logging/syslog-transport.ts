/**
 * Connections to a syslog server: udp (one datagram per message), tcp and
 * tcp+tls (a stream, reconnected once on a failed write as srslog does),
 * unix (stream socket), unixgram (datagram socket, through
 * node-unix-socket as Node has no UNIX datagrams), and the local syslog
 * (srslog's unixSyslog: /dev/log, /var/run/syslog, /var/run/log).
 */
import { createSocket } from "node:dgram";
import { existsSync } from "node:fs";
import { connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect, type ConnectionOptions } from "node:tls";
import { lazyRequire } from "../../util/lazy-require.ts";

/** An open syslog connection. */
export type SyslogConn = {
  /** Sends messages in order; rejects when the server cannot be reached. */
  send(msgs: Buffer[]): Promise<void>;
  close(): Promise<void>;
};

type DgramModule = {
  DgramSocket: new () => {
    sendTo(
      buf: Buffer,
      offset: number,
      length: number,
      path: string,
      cb?: (err?: unknown) => void,
    ): void;
    on(ev: "error", f: (err: Error) => void): void;
    destroy(): void;
  };
};
const unixDgram = lazyRequire<DgramModule>("node-unix-socket");

/** Connects as moby's syslog.Dial does; throws Error "dial tcp …: connect: connection refused"-like texts. */
export async function dialSyslog(
  proto: string,
  address: string,
  tls: ConnectionOptions | undefined,
): Promise<SyslogConn> {
  if (proto === "udp") return udp(address);
  if (proto === "unixgram") return datagram(address);
  if (proto === "") {
    const path = ["/dev/log", "/var/run/syslog", "/var/run/log"].find((p) =>
      existsSync(p),
    );
    if (!path) throw new Error("Unix syslog delivery error");
    return datagram(path);
  }
  return stream(proto, address, tls);
}

function splitHostPort(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(":");
  return {
    host: address.slice(0, i).replace(/^\[|\]$/g, ""),
    port: Number(address.slice(i + 1)),
  };
}

function udp(address: string): SyslogConn {
  const { host, port } = splitHostPort(address);
  const sock = createSocket(host.includes(":") ? "udp6" : "udp4");
  sock.on("error", () => undefined);
  return {
    send: async (msgs) => {
      for (const m of msgs)
        await new Promise<void>((res, rej) =>
          sock.send(m, port, host, (err) => (err ? rej(err) : res())),
        );
    },
    close: () => new Promise<void>((res) => sock.close(() => res())),
  };
}

function datagram(path: string): SyslogConn {
  const sock = new (unixDgram().DgramSocket)();
  sock.on("error", () => undefined);
  return {
    send: async (msgs) => {
      for (const m of msgs)
        await new Promise<void>((res, rej) =>
          sock.sendTo(m, 0, m.length, path, (err) =>
            err
              ? rej(
                  err instanceof Error
                    ? err
                    : new Error("unixgram send failed"),
                )
              : res(),
          ),
        );
    },
    close: () => {
      sock.destroy();
      return Promise.resolve();
    },
  };
}

async function stream(
  proto: string,
  address: string,
  tls: ConnectionOptions | undefined,
): Promise<SyslogConn> {
  const open = (): Promise<Socket> =>
    new Promise((res, rej) => {
      const onErr = (err: Error): void =>
        rej(
          new Error(
            `dial ${proto === "tcp+tls" ? "tcp" : proto} ${address}: ${errText(err)}`,
          ),
        );
      let s: Socket;
      if (proto === "unix") s = netConnect(address, () => res(s));
      else {
        const { host, port } = splitHostPort(address);
        s =
          proto === "tcp+tls"
            ? tlsConnect({ ...tls, host, port }, () => res(s))
            : netConnect({ host, port }, () => res(s));
      }
      s.once("error", onErr);
    });
  let sock: Socket | undefined = await open();
  const watch = (s: Socket): void => {
    s.on("error", () => undefined);
    s.on("close", () => {
      if (sock === s) sock = undefined;
    });
  };
  watch(sock);
  const write = (s: Socket, buf: Buffer): Promise<void> =>
    new Promise((res, rej) => {
      s.write(buf, (err) => (err ? rej(err) : res()));
    });
  return {
    send: async (msgs) => {
      if (!msgs.length) return;
      const buf = Buffer.concat(msgs);
      try {
        let s = sock;
        if (!s) {
          s = sock = await open();
          watch(s);
        }
        await write(s, buf);
      } catch {
        // compat: srslog reconnects once and retries the write.
        sock?.destroy();
        const s = (sock = await open());
        watch(s);
        await write(s, buf);
      }
    },
    close: async () => {
      const s = sock;
      sock = undefined;
      if (s) await new Promise<void>((res) => s.end(() => res()));
    },
  };
}

function errText(err: Error): string {
  const code = (err as { code?: string }).code;
  if (code === "ECONNREFUSED") return "connect: connection refused";
  if (code === "ENOENT") return "connect: no such file or directory";
  return err.message;
}
