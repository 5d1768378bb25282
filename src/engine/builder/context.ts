import { createHash } from "node:crypto";
import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  futimesSync,
  linkSync,
  mkdirSync,
  openSync,
  symlinkSync,
  chmodSync,
  unlinkSync,
  utimesSync,
  writevSync,
} from "node:fs";
import { join, posix } from "node:path";
import type { Readable } from "node:stream";
import type { Header } from "tar-stream";
import { decompress } from "../../storage/archive/compression.ts";
import { forEachMember } from "../../storage/archive/members.ts";
import { InvalidArgumentError } from "../../util/errors.ts";

/**
 * The sha256 of each regular file's content, computed while the context
 * was written, by host path. `stamp` (inode, size, ctime) is the file's
 * state then: a file whose stamp no longer matches (changed since) must
 * be read again.
 */
export type ContextDigests = Map<string, { digest: string; stamp: string }>;

/** What identifies one state of a file for ContextDigests. */
export function fileStamp(st: {
  ino: number;
  size: number;
  ctimeMs: number;
}): string {
  return `${st.ino}:${st.size}:${st.ctimeMs}`;
}

/**
 * Unpacks a build context tar (plain or gzip) into dir, which must exist
 * and be empty, hashing each regular file on the way (Docker hashes the
 * context as it receives it too): returns the digests. Refuses, with
 * InvalidArgumentError, members whose name is absolute or climbs out with
 * "..", hard links pointing outside, and anything but files, directories,
 * symlinks and hard links (devices, FIFOs). Symlinks are stored as they
 * are: COPY resolves them inside the context. Owners are not kept (COPY
 * writes 0:0 unless --chown). On error dir holds a partial tree: the
 * caller removes it.
 */
export async function extractContext(
  body: Readable,
  dir: string,
  signal?: AbortSignal,
): Promise<ContextDigests> {
  const state: ExtractState = {
    dir,
    kinds: new Map(),
    dirTimes: [],
    digests: new Map(),
  };
  await forEachMember(
    await decompress(body),
    (h, entry) => writeEntry(state, h, entry),
    { invalid: "invalid build context", ...(signal ? { signal } : {}) },
  );
  for (const [p, t] of state.dirTimes.reverse()) {
    try {
      utimesSync(p, t, t);
    } catch {
      // best effort, as tar
    }
  }
  return state.digests;
}

/**
 * One extraction. The directory is the daemon's own and only this code
 * writes to it, so what each path is (`kinds`, by relative path) is known
 * without asking the filesystem; file work is done with synchronous
 * calls on the event loop, each short, rather than a thread-pool round
 * trip per call (a context has many small files).
 */
type ExtractState = {
  dir: string;
  kinds: Map<string, "dir" | "file" | "symlink">;
  dirTimes: [string, Date][];
  digests: ContextDigests;
};

/** The member's path relative to the context, or an error for an escape. */
export function contextMember(name: string): string {
  if (name.startsWith("/"))
    throw new InvalidArgumentError(
      `invalid build context: member ${JSON.stringify(name)} has an absolute path`,
    );
  const parts = name.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.includes(".."))
    throw new InvalidArgumentError(
      `invalid build context: member ${JSON.stringify(name)} climbs out of the context`,
    );
  return parts.join("/");
}

async function writeEntry(
  st: ExtractState,
  h: Header,
  body: Readable,
): Promise<void> {
  const rel = contextMember(h.name);
  if (rel === "") return;
  const path = join(st.dir, rel);
  // Parents come from the tar or are made here, never through a symlink:
  // a member below a symlink or file member is refused.
  makeParents(st, rel);
  const mode = (h.mode ?? 0o644) & 0o7777;
  const mtime = h.mtime ?? new Date(0);
  const existing = st.kinds.get(rel);
  if (existing === "dir" && h.type !== "directory")
    throw new InvalidArgumentError(
      `invalid build context: member ${JSON.stringify(h.name)} replaces a directory`,
    );
  // A later member of the same name replaces the earlier one (as tar does).
  if (existing !== undefined && existing !== "dir") {
    unlinkSync(path);
    st.digests.delete(path);
    st.kinds.delete(rel);
  }
  switch (h.type) {
    case "directory":
      if (existing !== "dir") mkdirSync(path, { mode: 0o755 });
      chmodSync(path, mode);
      st.kinds.set(rel, "dir");
      st.dirTimes.push([path, mtime]);
      return;
    case "file":
    case "contiguous-file":
      await writeFile(st, path, body, mode, mtime);
      st.kinds.set(rel, "file");
      return;
    case "symlink":
      symlinkSync(h.linkname ?? "", path);
      st.kinds.set(rel, "symlink");
      return;
    case "link": {
      const target = contextMember(h.linkname ?? "");
      // A hard link through a symlinked directory could reach host files.
      makeParents(st, target, false);
      if (st.kinds.get(target) !== "file")
        throw new InvalidArgumentError(
          `invalid build context: hard link ${JSON.stringify(h.name)} to ${JSON.stringify(h.linkname ?? "")}, which is no file before it`,
        );
      linkSync(join(st.dir, target), path);
      st.kinds.set(rel, "file");
      return;
    }
    default:
      throw new InvalidArgumentError(
        `invalid build context: member ${JSON.stringify(h.name)} is a ${h.type ?? "special file"}, not a file, directory or link`,
      );
  }
}

/** Checks (and with create, makes 0755) the directories above rel. */
function makeParents(st: ExtractState, rel: string, create = true): void {
  const parts = posix.dirname(rel).split("/");
  if (parts[0] === ".") return;
  for (let i = 1; i <= parts.length; i++) {
    const p = parts.slice(0, i).join("/");
    const kind = st.kinds.get(p);
    if (kind === "dir") continue;
    if (kind !== undefined || !create)
      throw new InvalidArgumentError(
        `invalid build context: member ${JSON.stringify(rel)} lies below a non-directory`,
      );
    mkdirSync(join(st.dir, p), { mode: 0o755 });
    st.kinds.set(p, "dir");
  }
}

const WRITE_BATCH = 1 << 20;

/**
 * Writes one file member (gathered into 1 MiB writes), hashing it on the
 * way, then sets its mode and times and records its digest and stamp.
 */
async function writeFile(
  st: ExtractState,
  path: string,
  body: Readable,
  mode: number,
  mtime: Date,
): Promise<void> {
  const hash = createHash("sha256");
  const fd = openSync(
    path,
    constants.O_WRONLY |
      constants.O_CREAT |
      constants.O_EXCL |
      constants.O_NOFOLLOW,
    0o600,
  );
  try {
    let batch: Buffer[] = [];
    let bytes = 0;
    for await (const chunk of body) {
      hash.update(chunk as Buffer);
      batch.push(chunk as Buffer);
      bytes += (chunk as Buffer).length;
      if (bytes >= WRITE_BATCH) {
        writeAll(fd, batch);
        batch = [];
        bytes = 0;
      }
    }
    writeAll(fd, batch);
    fchmodSync(fd, mode);
    futimesSync(fd, mtime, mtime);
    st.digests.set(path, {
      digest: hash.digest("hex"),
      stamp: fileStamp(fstatSync(fd)),
    });
  } finally {
    closeSync(fd);
  }
}

/** writev until every byte is written (a short write continues). */
function writeAll(fd: number, chunks: Buffer[]): void {
  let left = chunks;
  while (left.length > 0) {
    let n = writevSync(fd, left);
    const rest: Buffer[] = [];
    for (const c of left) {
      if (n >= c.length) {
        n -= c.length;
        continue;
      }
      rest.push(n > 0 ? c.subarray(n) : c);
      n = 0;
    }
    left = rest;
  }
}
