import type { Stats } from "node:fs";
import { lstat } from "node:fs/promises";
import { posix } from "node:path";
import type { Readable } from "node:stream";
import { isMissing, type FsScope } from "./fs-scope.ts";
import { closeFd, procPath } from "./root-dir.ts";
import { tarTree, type OwnerMap } from "./tar-tree.ts";

/** Docker's ContainerPathStat (X-Docker-Container-Path-Stat, base64 JSON). */
export type PathStat = {
  name: string;
  size: number;
  /** Go's os.FileMode bits, as Docker sends them. */
  mode: number;
  /** RFC 3339. */
  mtime: string;
  /** For a symlink: its target resolved in the container's scope. */
  linkTarget: string;
};

/**
 * Docker's PreserveTrailingDotOrSeparator: the path made absolute and
 * clean, but keeping a trailing "/." or "/" the user typed (they mean
 * "the directory's contents" and "must be a directory").
 */
export function absContainerPath(path: string): string {
  const clean = posix.resolve("/", path);
  if ((path.endsWith("/.") || path === ".") && !clean.endsWith("/."))
    return clean === "/" ? "/." : `${clean}/.`;
  if (path.endsWith("/") && !clean.endsWith("/")) return `${clean}/`;
  return clean;
}

/** Go's filepath.Base: "/" for the root, "." kept. */
function goBase(abs: string): string {
  if (abs.endsWith("/.")) return ".";
  const trimmed = abs.replace(/\/+$/, "");
  return trimmed === "" ? "/" : posix.basename(trimmed);
}

/**
 * Resolves a path as Docker's ContainerStatPath/ArchivePath do: symlinks
 * in the parent are followed in the container's scope, the last component
 * only when the path ends in "/" or "/.". Returns the canonical path and
 * its lstat, or undefined when it does not exist.
 */
export async function statPath(
  scope: FsScope,
  path: string,
): Promise<{ resolved: string; stats: Stats; stat: PathStat } | undefined> {
  const abs = absContainerPath(path);
  const followLast = abs.endsWith("/") || abs.endsWith("/.");
  const resolved = await scope.canonical(abs, followLast);
  let stats: Stats;
  let dirFd: number | undefined;
  try {
    const parent = scope.openParent(resolved);
    dirFd = parent.dirFd;
    stats = await lstat(procPath(dirFd, parent.name));
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  } finally {
    if (dirFd !== undefined) closeFd(dirFd);
  }
  const linkTarget = stats.isSymbolicLink()
    ? await scope.canonical(abs, true)
    : "";
  return {
    resolved,
    stats,
    stat: {
      name: goBase(abs),
      size: stats.size,
      mode: goFileMode(stats),
      mtime: stats.mtime.toISOString(),
      linkTarget,
    },
  };
}

/**
 * GET /containers/{id}/archive: the stat of path and a tar of it with
 * Docker's rebase: a directory's entries start with the base name of the
 * requested path ("bar/", "bar/x"; "./x" for "dir/."; "/x" for "/"), a
 * file or symlink is one entry named after that base. A final symlink is
 * archived as a link (the CLI's -L asks for its target instead). Returns
 * undefined when path does not exist.
 */
export async function archivePath(
  scope: FsScope,
  path: string,
  options: { owner?: OwnerMap } = {},
): Promise<{ stat: PathStat; tar: Readable } | undefined> {
  const found = await statPath(scope, path);
  if (!found) return undefined;
  const base = found.stat.name;
  const name = found.stats.isDirectory()
    ? base === "/"
      ? "/"
      : `${base}/`
    : base;
  return {
    stat: found.stat,
    tar: tarTree(scope, { path: found.resolved, name }, options),
  };
}

/** Go's os.FileMode from a Unix st_mode (io/fs.FileMode bit layout). */
export function goFileMode(st: Stats): number {
  let m = st.mode & 0o777;
  if (st.mode & 0o4000) m |= 1 << 23; // ModeSetuid
  if (st.mode & 0o2000) m |= 1 << 22; // ModeSetgid
  if (st.mode & 0o1000) m |= 1 << 20; // ModeSticky
  if (st.isDirectory())
    m |= 2 ** 31; // ModeDir (bit 31: keep it unsigned)
  else if (st.isSymbolicLink()) m |= 1 << 27;
  else if (st.isFIFO()) m |= 1 << 25;
  else if (st.isSocket()) m |= 1 << 24;
  else if (st.isCharacterDevice()) m |= (1 << 26) | (1 << 21);
  else if (st.isBlockDevice()) m |= 1 << 26;
  return m >>> 0;
}
