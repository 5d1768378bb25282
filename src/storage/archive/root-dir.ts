import { closeSync, constants, openSync, realpathSync } from "node:fs";
import { posix } from "node:path";
import { isErrno } from "../../util/errors.ts";
import {
  O_CLOEXEC,
  O_PATH,
  openat2,
  RESOLVE_IN_ROOT,
  RESOLVE_NO_MAGICLINKS,
} from "../syscalls.ts";

/**
 * A host directory used as a confinement root: every path opened through
 * it resolves as if the directory were `/` (an absolute symlink restarts at
 * the root, `..` stops there), and the kernel does the resolution, so a
 * concurrent swap of a directory for a symlink cannot lead outside
 * (CVE-2018-15664 class). The handles it returns are O_PATH fds; the
 * caller works on `procPath(fd, name)`, which pins the already-resolved
 * directory and looks up only one more component (never following it for
 * lstat, readlink, mkdir, symlink, mknod, unlink, rmdir, lchown, lutimes,
 * and with O_NOFOLLOW for open).
 */
export class RootDir {
  /** The host path of the root (trusted: chosen by the daemon). */
  readonly host: string;
  readonly #fd: number;
  #closed = false;

  private constructor(host: string, fd: number) {
    this.host = host;
    this.#fd = fd;
  }

  /** Opens a root. Throws ENOENT/ENOTDIR errors (Node style) for a bad host path. */
  static open(host: string): RootDir {
    return new RootDir(host, openSync(host, O_PATH | constants.O_DIRECTORY));
  }

  /**
   * Opens `rel` (a path inside this root; leading `/` and `..` are confined)
   * as an O_PATH fd. With follow=false a final symlink is opened itself.
   * `directory` requires a directory (ENOTDIR otherwise). The caller closes
   * the fd (closeFd). Throws Node-style errors: ENOENT, ENOTDIR, ELOOP.
   */
  open(rel: string, options: { follow: boolean; directory?: boolean }): number {
    if (this.#closed) throw new Error(`root ${this.host} is closed`);
    let flags = O_PATH | O_CLOEXEC;
    if (!options.follow) flags |= constants.O_NOFOLLOW;
    if (options.directory) flags |= constants.O_DIRECTORY;
    const path = rel.replace(/^\/+/, "") || ".";
    if (!noOpenat2)
      try {
        return openat2(this.#fd, path, {
          flags,
          resolve: RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
        });
      } catch (err) {
        if (!isErrno(err, "ENOSYS")) throw err;
        noOpenat2 = true;
      }
    return this.#openChecked(path, flags);
  }

  /**
   * Fallback for kernels without openat2: the caller resolved `rel`
   * lexically already (symlinks included), so open it without following
   * and check afterwards that the fd is really under the root. The
   * residual race (a parent swapped between open and check) is caught by
   * the check, never acted on.
   */
  #openChecked(rel: string, flags: number): number {
    const fd = openSync(posix.join(this.host, rel), flags);
    const real = realpathSync(procPath(fd));
    const root = realpathSync(this.host);
    if (real !== root && !real.startsWith(root === "/" ? "/" : `${root}/`)) {
      closeSync(fd);
      throw Object.assign(new Error(`${rel}: escapes ${this.host}`), {
        code: "EXDEV",
      });
    }
    return fd;
  }

  /** Closes the root's own fd; idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeSync(this.#fd);
  }
}

let noOpenat2 = false;

/** `/proc/self/fd/<fd>` (plus `/name`): a path through an open handle. */
export function procPath(fd: number, name?: string): string {
  return name === undefined
    ? `/proc/self/fd/${fd}`
    : `/proc/self/fd/${fd}/${name}`;
}

/** Closes an fd, ignoring EBADF (already closed). */
export function closeFd(fd: number): void {
  try {
    closeSync(fd);
  } catch (err) {
    if (!isErrno(err, "EBADF")) throw err;
  }
}
