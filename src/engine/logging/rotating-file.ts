/**
 * A log file that rotates as moby's loggerutils.LogFile does: before an
 * entry that finds the file at or past `maxSize` bytes, `<path>.N-1` →
 * `<path>.N` …, `<path>` → `<path>.1`, and a new `<path>`; the file beyond
 * `maxFiles - 1` rotated ones is removed, so at most `maxFiles` exist.
 * With `compress`, `<path>.1` is gzipped to `<path>.1.gz` in the background
 * (written as `.gz.tmp`, renamed, then the plain file unlinked: one of the
 * two always exists whole); the next rotation waits for it.
 *
 *   <dir>/<name>          current file, appended
 *   <dir>/<name>.1[.gz]   newest rotated
 *   <dir>/<name>.N[.gz]   oldest kept (N = maxFiles - 1)
 *
 * Writes are synchronous (one writeSync per batch), so `snapshot()` sees
 * whole entries only and listeners get exactly what came after it.
 */
import {
  closeSync,
  existsSync,
  fstatSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { createReadStream, createWriteStream } from "node:fs";
import { rename, unlink } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import type {
  LogEntry,
  LogSnapshot,
  SnapshotFile,
  SnapshotListener,
} from "./driver.ts";

/** How a RotatingFile is set up. */
export type RotatingFileOptions = {
  /** Bytes; -1 = never rotate. */
  maxSize: number;
  /** Files kept including the current one (≥ 1). */
  maxFiles: number;
  compress: boolean;
  /** One entry's bytes on disk (a string is written as UTF-8). */
  encode(e: LogEntry): Buffer | string;
};

/** Lists the files of a rotated set, oldest first (plain or .gz), that exist now. */
export function rotatedFiles(
  path: string,
  maxFiles: number,
): { path: string; gzip: boolean }[] {
  const out: { path: string; gzip: boolean }[] = [];
  for (let i = Math.max(maxFiles - 1, 0); i >= 1; i--) {
    if (existsSync(`${path}.${i}`))
      out.push({ path: `${path}.${i}`, gzip: false });
    else if (existsSync(`${path}.${i}.gz`))
      out.push({ path: `${path}.${i}.gz`, gzip: true });
  }
  if (existsSync(path)) out.push({ path, gzip: false });
  return out;
}

/** An appending, rotating log file with in-memory followers. */
export class RotatingFile {
  #path: string;
  #o: RotatingFileOptions;
  #fd: number;
  #size: number;
  #compressing: Promise<void> = Promise.resolve();
  #listeners = new Set<SnapshotListener>();
  #closed = false;

  private constructor(path: string, o: RotatingFileOptions, fd: number) {
    this.#path = path;
    this.#o = o;
    this.#fd = fd;
    this.#size = fstatSync(fd).size;
  }

  /** Opens (creating, mode 0640) the current file for appending. */
  static open(path: string, o: RotatingFileOptions): RotatingFile {
    return new RotatingFile(path, o, openSync(path, "a", 0o640));
  }

  /** Appends entries, rotating between them as needed; then tells the followers. */
  async log(entries: LogEntry[]): Promise<void> {
    if (this.#closed) return;
    // Strings are joined and converted once per batch: far cheaper than a
    // Buffer per line at a million lines.
    let batch: (Buffer | string)[] = [];
    let batchLen = 0;
    const flush = (): void => {
      if (!batchLen) return;
      const buf =
        typeof batch[0] === "string"
          ? Buffer.from((batch as string[]).join(""))
          : Buffer.concat(batch as Buffer[], batchLen);
      let off = 0;
      while (off < buf.length) off += writeSync(this.#fd, buf, off);
      this.#size += buf.length;
      batch = [];
      batchLen = 0;
    };
    for (const e of entries) {
      if (this.#o.maxSize > 0 && this.#size + batchLen >= this.#o.maxSize) {
        flush();
        await this.#rotate();
      }
      const b = this.#o.encode(e);
      batch.push(b);
      batchLen += typeof b === "string" ? Buffer.byteLength(b) : b.length;
    }
    flush();
    for (const l of this.#listeners) l.entries(entries);
  }

  async #rotate(): Promise<void> {
    await this.#compressing;
    const p = this.#path;
    const n = this.#o.maxFiles;
    closeSync(this.#fd);
    // Renames, unlinks and the new open in one synchronous run: a snapshot
    // never sees a half-shifted set.
    if (n < 2) {
      // compat: moby truncates a single file; unlinking keeps open readers whole.
      unlinkQuiet(p);
    } else {
      unlinkQuiet(`${p}.${n - 1}`);
      unlinkQuiet(`${p}.${n - 1}.gz`);
      for (let i = n - 2; i >= 1; i--) {
        renameQuiet(`${p}.${i}`, `${p}.${i + 1}`);
        renameQuiet(`${p}.${i}.gz`, `${p}.${i + 1}.gz`);
      }
      renameSync(p, `${p}.1`);
    }
    this.#fd = openSync(p, "a", 0o640);
    this.#size = 0;
    if (this.#o.compress && n >= 2)
      this.#compressing = compress(`${p}.1`).catch(() => undefined);
  }

  /** The files as they are now and every later entry (see LogSink.snapshot). */
  snapshot(listener: SnapshotListener): LogSnapshot {
    const files: SnapshotFile[] = [];
    for (const f of rotatedFiles(this.#path, this.#o.maxFiles)) {
      try {
        const fd = openSync(f.path, "r");
        files.push({ fd, gzip: f.gzip, limit: fstatSync(fd).size });
      } catch {
        // Removed between the listing and the open: it held older entries only.
      }
    }
    const last = files.at(-1);
    if (last && !last.gzip) last.limit = this.#size;
    if (this.#closed) queueMicrotask(() => listener.end());
    else this.#listeners.add(listener);
    return {
      files,
      release: () => {
        this.#listeners.delete(listener);
        for (const f of files) closeQuiet(f.fd);
      },
    };
  }

  /** Waits for a pending compression, closes the file and ends the followers. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#compressing;
    closeQuiet(this.#fd);
    for (const l of this.#listeners) l.end();
    this.#listeners.clear();
  }
}

async function compress(path: string): Promise<void> {
  await pipeline(
    createReadStream(path),
    createGzip(),
    createWriteStream(`${path}.gz.tmp`, { mode: 0o640 }),
  );
  await rename(`${path}.gz.tmp`, `${path}.gz`);
  await unlink(path);
}

function unlinkQuiet(p: string): void {
  try {
    unlinkSync(p);
  } catch {
    // not there
  }
}

function renameQuiet(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch {
    // not there
  }
}

function closeQuiet(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}
