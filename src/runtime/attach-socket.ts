import { closeSync, constants, openSync } from "node:fs";
import { basename, dirname } from "node:path";
import type { SeqpacketSocket } from "node-unix-socket";
import { lazyRequire } from "../util/lazy-require.ts";
import type { AttachConnection } from "./oci-runtime.ts";

/** node-unix-socket, loaded on the first attach (see util/lazy-require.ts). */
const unixSocket =
  lazyRequire<typeof import("node-unix-socket")>("node-unix-socket");

/** Packet type bytes conmon puts in front of output (conmon's config.h). */
const STDOUT_PIPE = 2;
const STDERR_PIPE = 3;
/** conmon reads the socket in 32 KiB buffers (CONN_SOCK_BUF_SIZE). */
const MAX_PACKET = 32 * 1024;

/**
 * Connects to conmon's SOCK_SEQPACKET attach socket at `path`. Resolves once
 * connected; rejects when nothing listens there (the process has ended).
 */
export function connectAttach(
  path: string,
  onOutput: (stream: 1 | 2, data: Buffer) => void,
  onClose: () => void,
): Promise<AttachConnection> {
  // sun_path holds 108 bytes and bundles can sit deeper than that: reach a
  // long path through an fd of its directory (/proc/self/fd/N/attach).
  let dirFd: number | undefined;
  let target = path;
  if (Buffer.byteLength(path) >= 108) {
    try {
      dirFd = openSync(
        dirname(path),
        constants.O_RDONLY | constants.O_DIRECTORY,
      );
    } catch (err) {
      return Promise.reject(
        err instanceof Error ? err : new Error(String(err)),
      );
    }
    target = `/proc/self/fd/${dirFd}/${basename(path)}`;
  }
  const releaseDir = (): void => {
    if (dirFd !== undefined) closeSync(dirFd);
    dirFd = undefined;
  };
  const socket = new (unixSocket().SeqpacketSocket)();
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    onClose();
  };
  return new Promise((resolve, reject) => {
    let connected = false;
    socket.on("error", (err: Error) => {
      releaseDir();
      if (!connected) reject(err);
      close();
    });
    socket.on("data", (packet: Buffer) => {
      if (packet.length < 1) return;
      const kind = packet[0];
      const stream = kind === STDERR_PIPE ? 2 : kind === STDOUT_PIPE ? 1 : 0;
      if (stream) onOutput(stream, Buffer.from(packet.subarray(1)));
    });
    socket.on("end", close);
    socket.on("close", close);
    try {
      socket.connect(target, () => {
        releaseDir();
        connected = true;
        resolve(attachConnection(socket));
      });
    } catch (err) {
      releaseDir();
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}

function attachConnection(socket: SeqpacketSocket): AttachConnection {
  let ended = false;
  return {
    write(data: Buffer): void {
      if (ended) return;
      for (let off = 0; off < data.length; off += MAX_PACKET)
        socket.write(data.subarray(off, off + MAX_PACKET));
    },
    endStdin(): void {
      if (ended) return;
      ended = true;
      // shutdown(SHUT_WR): conmon sees EOF and closes the process's stdin
      // unless it was started with --leave-stdin-open.
      socket.end();
    },
    close(): void {
      ended = true;
      socket.destroy();
    },
  };
}
