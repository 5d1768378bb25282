import { createWriteStream } from "node:fs";
import { chmod, link, lstat, mkdir, symlink, utimes } from "node:fs/promises";
import { dirname, join, posix } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import tar, { type Header } from "tar-stream";
import { decompress } from "../../storage/archive/compression.ts";
import { InvalidArgumentError } from "../../util/errors.ts";

/**
 * Unpacks a build context tar (plain or gzip) into dir, which must exist
 * and be empty. Refuses, with InvalidArgumentError, members whose name is
 * absolute or climbs out with "..", hard links pointing outside, and
 * anything but files, directories, symlinks and hard links (devices,
 * FIFOs). Symlinks are stored as they are: COPY resolves them inside the
 * context. Owners are not kept (COPY writes 0:0 unless --chown). On error
 * dir holds a partial tree: the caller removes it.
 */
export async function extractContext(
  body: Readable,
  dir: string,
  signal?: AbortSignal,
): Promise<void> {
  const extract = tar.extract();
  const pumping = pipeline(
    await decompress(body),
    extract,
    signal ? { signal } : {},
  );
  const dirTimes: [string, Date][] = [];
  try {
    for await (const entry of extract) {
      await writeEntry(
        dir,
        entry.header,
        entry as unknown as Readable,
        dirTimes,
      );
      for await (const _ of entry) void _;
    }
    await pumping;
  } catch (err) {
    extract.destroy();
    await pumping.catch(() => undefined);
    if (
      err instanceof Error &&
      /Invalid tar header|Unexpected end/.test(err.message)
    )
      throw new InvalidArgumentError(`invalid build context: ${err.message}`);
    throw err;
  }
  for (const [p, t] of dirTimes.reverse())
    await utimes(p, t, t).catch(() => undefined);
}

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
  dir: string,
  h: Header,
  body: Readable,
  dirTimes: [string, Date][],
): Promise<void> {
  const rel = contextMember(h.name);
  if (rel === "") return;
  const path = join(dir, rel);
  // Parents come from the tar or are made here; they are never symlinks
  // because a member below a symlink member is refused.
  // Checked before mkdir: a recursive mkdir would follow a symlink parent.
  await refuseSymlinkParents(dir, rel);
  await mkdir(dirname(path), { recursive: true, mode: 0o755 });
  const mode = (h.mode ?? 0o644) & 0o7777;
  const mtime = h.mtime ?? new Date(0);
  switch (h.type) {
    case "directory":
      await mkdir(path, { recursive: true, mode: 0o755 });
      await chmod(path, mode);
      dirTimes.push([path, mtime]);
      return;
    case "file":
    case "contiguous-file":
      await pipeline(body, createWriteStream(path, { mode, flags: "w" }));
      await chmod(path, mode);
      await utimes(path, mtime, mtime);
      return;
    case "symlink":
      await symlink(h.linkname ?? "", path);
      return;
    case "link": {
      const target = contextMember(h.linkname ?? "");
      // A hard link through a symlinked directory could reach host files.
      await refuseSymlinkParents(dir, target);
      await link(join(dir, target), path);
      return;
    }
    default:
      throw new InvalidArgumentError(
        `invalid build context: member ${JSON.stringify(h.name)} is a ${h.type ?? "special file"}, not a file, directory or link`,
      );
  }
}

async function refuseSymlinkParents(dir: string, rel: string): Promise<void> {
  const parts = posix
    .dirname(rel)
    .split("/")
    .filter((p) => p !== ".");
  for (let i = 1; i <= parts.length; i++) {
    const st = await lstat(join(dir, ...parts.slice(0, i))).catch(
      () => undefined,
    );
    if (!st) return; // missing from here down: mkdir makes plain directories
    if (!st.isDirectory())
      throw new InvalidArgumentError(
        `invalid build context: member ${JSON.stringify(rel)} lies below a non-directory`,
      );
  }
}
