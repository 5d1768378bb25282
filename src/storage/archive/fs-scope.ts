import { statSync } from "node:fs";
import { lstat, readlink } from "node:fs/promises";
import { posix } from "node:path";
import { InvalidArgumentError, isErrno } from "../../util/errors.ts";
import { closeFd, procPath, RootDir } from "./root-dir.ts";

/** A mount of the container as the copy code needs it: Docker's MountPoint fields. */
export type ScopeMount = { Destination: string; Source: string; RW: boolean };

/** Where a container path lives: which root, the path inside it, writability. */
export type Located = { root: RootDir; rel: string; readOnly: boolean };

const MAX_HOPS = 40;

/**
 * A container's filesystem as the daemon sees it from the host: the rootfs
 * plus the host directories mounted into it (volumes, binds). Paths are
 * container paths ("/etc/passwd"); each resolves inside the root of the
 * mount that holds it, with symlinks resolved in the container's scope
 * (as a chroot would), never reaching the host outside these roots.
 * Symlinks that cross from one root into another are followed by the
 * canonicalisation; the final open is confined by the kernel (RootDir).
 * Close it when done: it holds one fd per root opened.
 */
export class FsScope {
  #rootfs: string;
  #rootfsReadOnly: boolean;
  #mounts: ScopeMount[];
  #roots = new Map<string, RootDir>();
  #files = new Map<string, boolean>();

  constructor(
    rootfs: string,
    mounts: readonly ScopeMount[],
    options: { readOnlyRootfs?: boolean } = {},
  ) {
    this.#rootfs = rootfs;
    this.#rootfsReadOnly = options.readOnlyRootfs ?? false;
    // Longest destination first, so nested mounts win.
    this.#mounts = mounts
      .map((m) => ({ ...m, Destination: posix.resolve("/", m.Destination) }))
      .sort((a, b) => b.Destination.length - a.Destination.length);
  }

  /** The root, inner path and writability of a canonical container path. */
  locate(path: string): Located {
    for (const m of this.#mounts)
      if (path === m.Destination || path.startsWith(`${m.Destination}/`)) {
        // A file bound at Destination (a file bind, /etc/hostname): its
        // directory is the root and only that one name is reachable in it.
        if (this.#isFile(m.Source))
          return {
            root: this.#root(posix.dirname(m.Source)),
            rel: `/${posix.basename(m.Source)}${path.slice(m.Destination.length)}`,
            readOnly: !m.RW,
          };
        return {
          root: this.#root(m.Source),
          rel: path.slice(m.Destination.length) || "/",
          readOnly: !m.RW,
        };
      }
    return {
      root: this.#root(this.#rootfs),
      rel: path,
      readOnly: this.#rootfsReadOnly,
    };
  }

  /** True when a mount is attached exactly at the canonical path. */
  isMountPoint(path: string): boolean {
    return this.#mounts.some((m) => m.Destination === path);
  }

  /**
   * Resolves symlinks in path inside the container's scope, as Docker's
   * FollowSymlinkInScope: returns a clean absolute container path. With
   * followLast=false the last component is kept as is (lstat semantics).
   * Missing components are kept lexically (the path need not exist).
   * Throws InvalidArgumentError when symlinks loop.
   */
  async canonical(path: string, followLast: boolean): Promise<string> {
    const done: string[] = [];
    const queue = path.split("/").filter((c) => c !== "" && c !== ".");
    let hops = 0;
    while (queue.length > 0) {
      const c = queue.shift()!;
      if (c === "..") {
        done.pop();
        continue;
      }
      const here = `/${[...done, c].join("/")}`;
      if ((queue.length === 0 && !followLast) || this.isMountPoint(here)) {
        done.push(c);
        continue;
      }
      const target = await this.#linkTarget(`/${done.join("/")}`, c);
      if (target === undefined) {
        done.push(c);
        continue;
      }
      if (++hops > MAX_HOPS)
        throw new InvalidArgumentError(
          `too many levels of symbolic links at ${here}`,
        );
      if (target.startsWith("/")) done.length = 0;
      queue.unshift(...target.split("/").filter((p) => p !== "" && p !== "."));
    }
    return `/${done.join("/")}`;
  }

  /** readlink of dir/name when it is a symlink, else undefined (also when missing). */
  async #linkTarget(dir: string, name: string): Promise<string | undefined> {
    let fd: number;
    try {
      fd = this.openDir(dir);
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
    try {
      const st = await lstat(procPath(fd, name));
      return st.isSymbolicLink()
        ? await readlink(procPath(fd, name))
        : undefined;
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    } finally {
      closeFd(fd);
    }
  }

  /** Opens a canonical container directory as an O_PATH fd (caller closes). Throws ENOENT/ENOTDIR. */
  openDir(path: string): number {
    const { root, rel } = this.locate(path);
    return root.open(rel, { follow: true, directory: true });
  }

  /**
   * Opens the parent directory of a canonical container path and returns
   * it with the base name, so the caller can act on `procPath(dirFd, name)`
   * without ever following the last component. For a mount point the
   * "parent" is the mount's own root ("." as name). Caller closes dirFd.
   */
  openParent(path: string): { dirFd: number; name: string } {
    if (path === "/" || this.isMountPoint(path)) {
      const { root, rel } = this.locate(path);
      // A file mount: its directory is the root, its name the last component.
      if (rel !== "/" && path !== "/")
        return {
          dirFd: root.open("/", { follow: true, directory: true }),
          name: rel.slice(1),
        };
      return { dirFd: this.openDir(path), name: "." };
    }
    return {
      dirFd: this.openDir(posix.dirname(path)),
      name: posix.basename(path),
    };
  }

  /** Closes every root fd; idempotent. */
  close(): void {
    for (const r of this.#roots.values()) r.close();
    this.#roots.clear();
  }

  #isFile(host: string): boolean {
    let f = this.#files.get(host);
    if (f === undefined) {
      try {
        f = !statSync(host).isDirectory();
      } catch {
        f = false;
      }
      this.#files.set(host, f);
    }
    return f;
  }

  #root(host: string): RootDir {
    let r = this.#roots.get(host);
    if (!r) {
      r = RootDir.open(host);
      this.#roots.set(host, r);
    }
    return r;
  }
}

/** ENOENT or ENOTDIR: the path does not exist as asked. */
export function isMissing(err: unknown): boolean {
  return isErrno(err, "ENOENT") || isErrno(err, "ENOTDIR");
}
