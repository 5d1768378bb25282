import { closeSync } from "node:fs";
import {
  lastErrno,
  libc as openLibc,
  syscallFailed as fail,
} from "../util/libc.ts";

export { mount, umount, umountAsync } from "../util/libc.ts";

/**
 * The few Linux syscalls storage needs that Node lacks, called through koffi
 * (FFI into libc, util/libc.ts; mount and umount live there, shared with
 * network/netns.ts). DESIGN.md: mount(2) from Node costs 0.15 ms against 3–5 ms
 * for spawning mount(8). Every wrapper throws a Node-style Error with `code`
 * set to the errno name (ENOENT, EPERM, …) so callers can use isErrno().
 */

/** mount(2) flags used by wharf. */
export const MS_RDONLY = 1;
/** Bind mount. */
export const MS_BIND = 4096;
/** Recursive (with MS_BIND). */
export const MS_REC = 16384;
/** Change the flags of an existing mount. */
export const MS_REMOUNT = 32;
/** umount2(2): lazy detach. */
export const MNT_DETACH = 2;

type Libc = {
  mknod: (path: string, mode: number, dev: bigint) => number;
  lsetxattr: (
    path: string,
    name: string,
    value: Buffer,
    size: number,
    flags: number,
  ) => number;
  lgetxattr: (
    path: string,
    name: string,
    value: Buffer,
    size: number,
  ) => number;
  syscall: (nr: number, ...args: unknown[]) => number | bigint;
};

let libc: Libc | undefined;

function load(): Libc {
  if (libc) return libc;
  const lib = openLibc();
  libc = {
    mknod: lib.func(
      "int mknod(const char *path, uint32_t mode, uint64_t dev)",
    ) as Libc["mknod"],
    lsetxattr: lib.func(
      "int lsetxattr(const char *path, const char *name, const void *value, size_t size, int flags)",
    ) as Libc["lsetxattr"],
    lgetxattr: lib.func(
      "long lgetxattr(const char *path, const char *name, _Out_ void *value, size_t size)",
    ) as Libc["lgetxattr"],
    syscall: lib.func("long syscall(long nr, ...)") as Libc["syscall"],
  };
  return libc;
}

/** glibc's makedev(): packs major/minor into a dev_t. */
export function makedev(major: number, minor: number): bigint {
  const ma = BigInt(major);
  const mi = BigInt(minor);
  return (
    ((ma & 0xfffff000n) << 32n) |
    ((ma & 0xfffn) << 8n) |
    ((mi & 0xffffff00n) << 12n) |
    (mi & 0xffn)
  );
}

/** File type bits for mknod. */
export const S_IFCHR = 0o020000;
/** Block device. */
export const S_IFBLK = 0o060000;
/** FIFO. */
export const S_IFIFO = 0o010000;

/** mknod(2): creates a device node or FIFO; `mode` includes the S_IF* type bits. */
export function mknod(path: string, mode: number, dev = 0n): void {
  if (load().mknod(path, mode, dev) !== 0) fail("mknod", path);
}

/** lsetxattr(2): sets an extended attribute without following a symlink. */
export function lsetxattr(path: string, name: string, value: Buffer): void {
  if (load().lsetxattr(path, name, value, value.length, 0) !== 0)
    fail("lsetxattr", path);
}

/**
 * lgetxattr(2): reads an extended attribute; returns undefined when it is
 * absent (ENODATA) or the filesystem has no xattrs (ENOTSUP).
 */
export function lgetxattr(path: string, name: string): Buffer | undefined {
  const buf = Buffer.alloc(256);
  const n = Number(load().lgetxattr(path, name, buf, buf.length));
  if (n < 0) {
    const code = lastErrno();
    if (code === "ENODATA" || code === "ENOTSUP" || code === "EOPNOTSUPP")
      return undefined;
    fail("lgetxattr", path);
  }
  return buf.subarray(0, n);
}

/** openat2(2) resolve flag: resolve as if dirfd were "/" (never climbs out). */
export const RESOLVE_IN_ROOT = 0x10;
/** openat2(2) resolve flag: refuse /proc/self/fd-style magic links. */
export const RESOLVE_NO_MAGICLINKS = 0x02;
/** open(2) flag O_PATH: a handle for path operations only (no read/write). */
export const O_PATH = 0o10000000;

/** open(2) flag O_CLOEXEC (libuv adds it to fs.open; openat2 callers pass it). */
export const O_CLOEXEC = 0o2000000;

/** x86_64 and arm64 both number openat2 437 (asm-generic and x86 tables). */
const SYS_OPENAT2 = 437;

/**
 * openat2(2) (Linux 5.6+): opens path relative to dirfd with `resolve`
 * flags. Returns the fd. Throws with code ENOENT, ELOOP, EXDEV, … and
 * ENOSYS on kernels without it.
 */
export function openat2(
  dirfd: number,
  path: string,
  options: { flags: number; mode?: number; resolve: number },
): number {
  const how = Buffer.alloc(24);
  how.writeBigUInt64LE(BigInt(options.flags), 0);
  how.writeBigUInt64LE(BigInt(options.mode ?? 0), 8);
  how.writeBigUInt64LE(BigInt(options.resolve), 16);
  const fd = Number(
    load().syscall(
      SYS_OPENAT2,
      "int",
      dirfd,
      "const char *",
      path,
      "void *",
      how,
      "size_t",
      how.length,
    ),
  );
  if (fd < 0) fail("openat2", path);
  return fd;
}

/** New-mount-API syscall numbers: shared by x86_64 and arm64 (≥ 424 are unified). */
const SYS_OPEN_TREE = 428;
const SYS_MOVE_MOUNT = 429;
const SYS_MOUNT_SETATTR = 442;
const AT_FDCWD = -100;
const AT_EMPTY_PATH = 0x1000;
const OPEN_TREE_CLONE = 1;
const MOVE_MOUNT_F_EMPTY_PATH = 0x4;
const MOUNT_ATTR_IDMAP = 0x00100000;

/**
 * Binds `source` at `target` as an idmapped mount (Linux 5.12+): files
 * owned by host id n appear owned by whatever n maps to through the user
 * namespace `usernsFd` (open_tree(OPEN_TREE_CLONE) → mount_setattr with
 * MOUNT_ATTR_IDMAP → move_mount). Throws with code ENOSYS (old kernel),
 * EINVAL (the filesystem cannot be idmapped), EPERM, …
 */
export function idmappedBind(
  source: string,
  target: string,
  usernsFd: number,
): void {
  const c = load();
  const fd = Number(
    c.syscall(
      SYS_OPEN_TREE,
      "int",
      AT_FDCWD,
      "const char *",
      source,
      "unsigned int",
      OPEN_TREE_CLONE | O_CLOEXEC,
    ),
  );
  if (fd < 0) fail("open_tree", source);
  try {
    const attr = Buffer.alloc(32);
    attr.writeBigUInt64LE(BigInt(MOUNT_ATTR_IDMAP), 0);
    attr.writeBigUInt64LE(BigInt(usernsFd), 24);
    const set = Number(
      c.syscall(
        SYS_MOUNT_SETATTR,
        "int",
        fd,
        "const char *",
        "",
        "unsigned int",
        AT_EMPTY_PATH,
        "void *",
        attr,
        "size_t",
        attr.length,
      ),
    );
    if (set < 0) fail("mount_setattr", source);
    const moved = Number(
      c.syscall(
        SYS_MOVE_MOUNT,
        "int",
        fd,
        "const char *",
        "",
        "int",
        AT_FDCWD,
        "const char *",
        target,
        "unsigned int",
        MOVE_MOUNT_F_EMPTY_PATH,
      ),
    );
    if (moved < 0) fail("move_mount", target);
  } finally {
    closeSync(fd);
  }
}
