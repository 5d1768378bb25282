/**
 * Reads a file driver's entries back for `docker logs`: the files of a
 * snapshot oldest first (gzipped ones whole, plain ones in chunks up to
 * their limit), then, when following, what the live sink writes later.
 * `--tail` keeps the last N entries of the files; since/until filter by
 * the entries' own times, as moby's readers do.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { rfc3339ToNano } from "../../runtime/index.ts";
import type { LogEntry, LogSnapshot, SnapshotFile } from "./driver.ts";
import { rotatedFiles } from "./rotating-file.ts";

/** What `logs` asks of a reader. */
export type ReadRequest = {
  follow: boolean;
  /** Nanoseconds since the epoch; 0 = from the start. */
  since: bigint;
  /** Nanoseconds since the epoch; 0 = no end. */
  until: bigint;
  tail: number | "all";
};

type Decode = (data: Buffer) => { entries: LogEntry[]; used: number };

const CHUNK = 4 << 20;

/** A snapshot of files on disk without a live sink (stopped containers, no follow). */
export function staticSnapshot(path: string, maxFiles: number): LogSnapshot {
  const files: SnapshotFile[] = [];
  for (const f of rotatedFiles(path, maxFiles)) {
    try {
      const fd = openSync(f.path, "r");
      files.push({ fd, gzip: f.gzip, limit: fstatSync(fd).size });
    } catch {
      // rotated away between listing and open
    }
  }
  return {
    files,
    release: () => {
      for (const f of files) closeSync(f.fd);
    },
  };
}

/** Calls `each` for every entry of the files, in order. */
export function readFiles(
  files: SnapshotFile[],
  decode: Decode,
  each: (e: LogEntry) => void,
): void {
  for (const f of files) {
    if (f.gzip) {
      const raw = Buffer.alloc(f.limit);
      readFull(f.fd, raw, 0);
      let plain: Buffer;
      try {
        plain = gunzipSync(raw);
      } catch {
        continue;
      }
      for (const e of decode(plain).entries) each(e);
      continue;
    }
    let pos = 0;
    let rest = Buffer.alloc(0);
    while (pos < f.limit) {
      const n = Math.min(CHUNK, f.limit - pos);
      const buf = Buffer.allocUnsafe(n);
      const got = readFull(f.fd, buf, pos);
      if (!got) break;
      pos += got;
      const data = rest.length
        ? Buffer.concat([rest, buf.subarray(0, got)])
        : buf.subarray(0, got);
      const { entries, used } = decode(data);
      for (const e of entries) each(e);
      rest = Buffer.from(data.subarray(used));
    }
  }
}

function readFull(fd: number, buf: Buffer, position: number): number {
  let off = 0;
  while (off < buf.length) {
    const n = readSync(fd, buf, off, buf.length - off, position + off);
    if (!n) break;
    off += n;
  }
  return off;
}

/** Whether an entry passes since/until. */
export function inWindow(e: LogEntry, req: ReadRequest): boolean {
  if (!req.since && !req.until) return true;
  const t = rfc3339ToNano(e.time);
  if (req.since && t < req.since) return false;
  if (req.until && t > req.until) return false;
  return true;
}

/** Collects the last `tail` entries (all for "all") through `each`. */
export function tailOf(
  tail: number | "all",
  emit: (e: LogEntry) => void,
): { each: (e: LogEntry) => void; done: () => void } {
  if (tail === "all") return { each: emit, done: () => undefined };
  const ring: LogEntry[] = [];
  return {
    each: (e) => {
      if (tail <= 0) return;
      ring.push(e);
      if (ring.length > tail) ring.shift();
    },
    done: () => {
      for (const e of ring) emit(e);
    },
  };
}
