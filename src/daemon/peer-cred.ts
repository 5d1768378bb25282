/**
 * SO_PEERCRED of a UNIX-socket connection: the uid, gid and pid of the
 * process that connected (the kernel's record at connect time, not what
 * the client claims). Read through koffi's getsockopt(2) on the socket's fd.
 */
import type { Socket } from "node:net";
import { koffi } from "../util/libc.ts";

/** Who is on the other end of a UNIX socket. */
export type PeerCred = { uid: number; gid: number; pid: number };

const SOL_SOCKET = 1;
const SO_PEERCRED = 17;

type Getsockopt = (
  fd: number,
  level: number,
  name: number,
  value: Buffer,
  len: Buffer,
) => number;
let getsockopt: Getsockopt | undefined;

/** The peer's credentials, or undefined when the socket has no fd or is not AF_UNIX. */
export function peerCred(socket: Socket): PeerCred | undefined {
  const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (typeof fd !== "number" || fd < 0) return undefined;
  getsockopt ??= koffi()
    .load("libc.so.6")
    .func(
      "int getsockopt(int fd, int level, int name, _Out_ uint8_t *value, _Inout_ uint32_t *len)",
    ) as Getsockopt;
  // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
  const value = Buffer.alloc(12);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(12);
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, value, len) !== 0)
    return undefined;
  return {
    pid: value.readInt32LE(0),
    uid: value.readUInt32LE(4),
    gid: value.readUInt32LE(8),
  };
}
