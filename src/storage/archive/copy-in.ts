import { constants, openSync, type Stats } from "node:fs";
import {
  chmod,
  copyFile,
  lchown,
  link,
  lstat,
  lutimes,
  mkdir,
} from "node:fs/promises";
import { posix } from "node:path";
import { Readable } from "node:stream";
import type { Header } from "tar-stream";
import {
  ForbiddenError,
  InvalidArgumentError,
  NotFoundError,
  isErrno,
} from "../../util/errors.ts";
import { O_PATH } from "../syscalls.ts";
import { decompress } from "./compression.ts";
import { isMissing, type FsScope } from "./fs-scope.ts";
import { absContainerPath } from "./copy-out.ts";
import { removeAt } from "./remove-at.ts";
import { closeFd, procPath } from "./root-dir.ts";
import { memberComponents } from "./scoped-path.ts";
import { createMember, forEachMember, invalidHardlink } from "./members.ts";

/** Options of PUT /containers/{id}/archive. */
export type ExtractOptions = {
  /** Refuse to replace a directory with a non-directory and the reverse. */
  noOverwriteDirNonDir: boolean;
  /** Owner for every extracted entry (-a); else the tar's uid/gid. */
  chown?: { uid: number; gid: number };
  /** Maps the owner last (a user-namespaced container: its ids to the host's). */
  owner?: (uid: number, gid: number) => { uid: number; gid: number };
};

const isRoot = process.getuid?.() === 0;

/**
 * Extracts a tar (plain or gzip) into the directory `path` of a container
 * (Docker's ContainerExtractToDir). The destination is resolved in the
 * container's scope, following a final symlink. Member names are relative
 * to it: a leading "/" is dropped and a name climbing out with ".." is
 * refused (InvalidArgumentError). Parents are resolved inside the scope
 * (missing ones made 0755) and every write happens under an fd of the
 * already-resolved parent without following the last component, so
 * neither a hostile member nor a symlink in the container (even one
 * swapped during the copy) can write outside the container's roots.
 * Throws NotFoundError(`missing`) when path does not exist,
 * InvalidArgumentError "extraction point is not a directory",
 * ForbiddenError for a read-only rootfs or volume. Entries already written
 * when an error stops the extraction stay (as in Docker).
 */
export async function extractToDir(
  scope: FsScope,
  path: string,
  body: Readable,
  options: ExtractOptions & { missing: string },
): Promise<void> {
  const dest = await extractionPoint(scope, path, options.missing);
  const dirTimes: Array<[string, Date]> = [];
  await forEachMember(await decompress(body), (h, member) =>
    extractEntry(scope, dest, h, member, { ...options, dirTimes }),
  );
  await setDirTimes(scope, dirTimes);
}

/**
 * A member written by copyIn: a tar-like header, and for a regular file
 * the host file holding its content (src) or, instead, a stream of it
 * (body, called once when the file is written).
 */
export type CopyMember = {
  header: Partial<Header> & { name: string };
  src?: string;
  body?: () => Readable;
};

/**
 * Writes members into the directory `path` of a container with the rules
 * and confinement of extractToDir, but regular files are copied from host
 * files (members[].src) by the kernel (copy_file_range), or written from
 * members[].body, instead of streamed through a tar: the builder's COPY.
 */
export async function copyIn(
  scope: FsScope,
  path: string,
  members: Iterable<CopyMember>,
  options: ExtractOptions & { missing: string },
): Promise<void> {
  const dest = await extractionPoint(scope, path, options.missing);
  const dirTimes: Array<[string, Date]> = [];
  for (const m of members)
    await extractEntry(
      scope,
      dest,
      // Fields a member leaves out read as tar-stream leaves absent ones.
      m.header as Header,
      m.src ?? m.body?.() ?? Readable.from([]),
      {
        ...options,
        dirTimes,
      },
    );
  await setDirTimes(scope, dirTimes);
}

/** The canonical destination directory of an extraction, checked to exist and be writable. */
async function extractionPoint(
  scope: FsScope,
  path: string,
  missing: string,
): Promise<string> {
  const dest = await scope.canonical(absContainerPath(path), true);
  const st = await lstatIn(scope, dest);
  if (!st) throw new NotFoundError(missing);
  if (!st.isDirectory())
    throw new InvalidArgumentError("extraction point is not a directory");
  checkWritable(scope, dest);
  return dest;
}

/** Directory times last, deepest first: writing inside a directory changes its mtime. */
async function setDirTimes(
  scope: FsScope,
  dirTimes: Array<[string, Date]>,
): Promise<void> {
  for (const [p, mtime] of dirTimes.reverse())
    await atParent(scope, p, (at) => lutimes(at, mtime, mtime)).catch(
      () => undefined,
    );
}

function checkWritable(scope: FsScope, path: string): void {
  const where = scope.locate(path);
  if (!where.readOnly) return;
  // compat: moby's ErrVolumeReadonly / ErrRootFSReadOnly texts.
  throw new ForbiddenError(
    where.root === scope.locate("/").root
      ? "container rootfs is marked read-only"
      : "mounted volume is marked read-only",
  );
}

async function extractEntry(
  scope: FsScope,
  dest: string,
  h: Header,
  body: Readable | string,
  o: ExtractOptions & { dirTimes: Array<[string, Date]> },
): Promise<void> {
  const parts = memberComponents(h.name.replace(/^\/+/, ""));
  // compat: moby's Untar skips the "." entry of the destination itself.
  if (parts.length === 0) return;
  const parent = await ensureDir(
    scope,
    await scope.canonical(posix.join(dest, ...parts.slice(0, -1)), true),
  );
  const name = parts[parts.length - 1]!;
  const path = posix.join(parent, name);
  checkWritable(scope, path);
  const dirFd = scope.openDir(parent);
  try {
    const at = procPath(dirFd, name);
    const existing = await lstat(at).catch((err: unknown) => {
      if (isMissing(err)) return undefined;
      throw err;
    });
    const isDir = h.type === "directory";
    if (existing && o.noOverwriteDirNonDir) {
      if (existing.isDirectory() && !isDir)
        throw new InvalidArgumentError(
          `cannot overwrite directory "${path}" with non-directory "${h.name}"`,
        );
      if (!existing.isDirectory() && isDir)
        throw new InvalidArgumentError(
          `cannot overwrite non-directory "${path}" with directory "${h.name}"`,
        );
    }
    if (existing && !(existing.isDirectory() && isDir))
      await removeAt(dirFd, name);
    await create(scope, dest, h, at, body, existing?.isDirectory() === true);
    if (h.type === "link") return;
    let owner = o.chown ?? { uid: h.uid ?? 0, gid: h.gid ?? 0 };
    if (o.owner) owner = o.owner(owner.uid, owner.gid);
    if (isRoot) await lchown(at, owner.uid, owner.gid);
    const mtime = h.mtime ?? new Date(0);
    if (h.type !== "symlink")
      await chmodNoFollow(at, (h.mode ?? 0o644) & 0o7777);
    if (isDir) o.dirTimes.push([path, mtime]);
    else await lutimes(at, mtime, mtime);
  } finally {
    closeFd(dirFd);
  }
}

/** Creates the member at `at`; a hard link's target is resolved against dest. */
async function create(
  scope: FsScope,
  dest: string,
  h: Header,
  at: string,
  body: Readable | string,
  exists: boolean,
): Promise<void> {
  if (typeof body === "string" && isRegular(h)) {
    await copyFile(body, at, constants.COPYFILE_EXCL);
    return;
  }
  await createMember(
    h,
    at,
    typeof body === "string" ? Readable.from([]) : body,
    exists,
    async (name) => {
      // compat: moby resolves hardlink targets against the extraction directory.
      const target = memberComponents(name.replace(/^\/+/, ""));
      if (target.length === 0) throw invalidHardlink(h);
      const tpath = await scope.canonical(posix.join(dest, ...target), false);
      await atParent(scope, tpath, (from) => link(from, at));
    },
  );
}

/** chmod without following a symlink: through an O_PATH|O_NOFOLLOW fd. */
async function chmodNoFollow(at: string, mode: number): Promise<void> {
  const fd = openSync(at, O_PATH | constants.O_NOFOLLOW);
  try {
    await chmod(procPath(fd), mode);
  } finally {
    closeFd(fd);
  }
}

/** Runs fn on `procPath(parentFd, base)` of a canonical path. */
async function atParent<T>(
  scope: FsScope,
  path: string,
  fn: (at: string) => Promise<T>,
): Promise<T> {
  const { dirFd, name } = scope.openParent(path);
  try {
    return await fn(procPath(dirFd, name));
  } finally {
    closeFd(dirFd);
  }
}

/** lstat of a canonical path, undefined when missing. */
async function lstatIn(
  scope: FsScope,
  path: string,
): Promise<Stats | undefined> {
  try {
    return await atParent(scope, path, (at) => lstat(at));
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

/**
 * Makes sure the canonical directory path exists, creating missing
 * components (0755) one by one under their parent's fd, as moby's Untar
 * does for parents a tar does not list. Returns the path. Throws
 * InvalidArgumentError when a component is not a directory.
 */
async function ensureDir(scope: FsScope, path: string): Promise<string> {
  try {
    closeFd(scope.openDir(path));
    return path;
  } catch (err) {
    if (isErrno(err, "ENOTDIR"))
      throw new InvalidArgumentError(`${path}: not a directory`);
    if (!isErrno(err, "ENOENT") || path === "/") throw err;
  }
  const parent = await ensureDir(scope, posix.dirname(path));
  checkWritable(scope, path);
  await atParent(scope, posix.join(parent, posix.basename(path)), (at) =>
    mkdir(at, { mode: 0o755 }).catch((err: unknown) => {
      if (!isErrno(err, "EEXIST")) throw err;
    }),
  );
  try {
    closeFd(scope.openDir(path));
  } catch (err) {
    if (isMissing(err))
      throw new InvalidArgumentError(`${path}: not a directory`);
    throw err;
  }
  return path;
}

/** True for the tar member types written as regular files. */
function isRegular(h: Header): boolean {
  return (
    h.type === "file" ||
    h.type === "contiguous-file" ||
    h.type === undefined ||
    h.type === null
  );
}
