import { open, rename, mkdir, readFile, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { randomBytes } from "node:crypto";
import { isErrno } from "./errors.ts";

/**
 * Writes a file atomically: temp file in the same directory, fsync, rename.
 * A crash leaves either the old or the new content. The directory is not
 * fsynced: that would only make the rename itself durable across power
 * loss (after it, the old content may come back, never a torn file), which
 * this guarantee does not need, and it cost a second fsync per record
 * write. Callers that need the name durable call syncDir themselves.
 * `sync: false` skips the fsync too: the write still survives a crash of
 * the process (the page cache stays), not a power loss.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  mode = 0o644,
  options: { sync?: boolean } = {},
): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.tmp-${randomBytes(6).toString("hex")}`);
  const fh = await open(tmp, "w", mode);
  try {
    await fh.writeFile(data);
    if (options.sync !== false) await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Writes JSON atomically (see writeFileAtomic, also for `sync`). */
export async function writeJsonAtomic(
  path: string,
  value: unknown,
  options: { sync?: boolean } = {},
): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(value), 0o644, options);
}

/** Reads and parses a JSON file; returns undefined when it does not exist. */
export async function readJsonIfExists<T>(
  path: string,
): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as T;
  } catch (err) {
    if (isErrno(err, "ENOENT")) return undefined;
    throw err;
  }
}

/** fsyncs a directory so a rename in it is durable. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
