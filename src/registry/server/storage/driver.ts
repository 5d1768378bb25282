import type { Readable } from "node:stream";

/**
 * The registry's storage driver: a small file system of named byte strings
 * that the registry layers blobs, manifests, tags and uploads on (the paths
 * are in paths.ts). Modelled on distribution's storagedriver.StorageDriver,
 * trimmed to what the registry uses.
 *
 * Vocabulary: a *path* is an absolute, slash-separated logical path such as
 * `/docker/registry/v2/blobs/sha256/ab/ab12…/data`; directories exist
 * implicitly while they hold a file. Paths never contain `..` (callers build
 * them only from validated names, digests and upload ids).
 *
 * Contract every implementation keeps (testsuite.ts checks it):
 * - `putContent` and `move` are atomic: a reader sees the old content or the
 *   new, never a torn file; `putContent` is durable (fsynced) when it returns.
 * - A `FileWriter` appends; bytes are visible to `stat`/`reader` as written,
 *   and durable after `commit()`. Concurrent writers to one path are the
 *   caller's problem (uploads get unique paths).
 * - `move` replaces an existing destination (two uploads of the same blob
 *   both succeed: the second rename lands the same bytes).
 * - Reading a missing path throws NotFoundError (util/errors); `remove` of a
 *   missing path is a no-op.
 *
 * Example: an upload is `writer("/…/_uploads/<id>/data")`, appended to by
 * PATCH requests, `commit()`ed, then `move`d to its blob path once its digest
 * is verified; a crash before the move leaves only the upload, which gc
 * or a cancel removes.
 */
export interface StorageDriver {
  /** Reads a whole file. Throws NotFoundError when missing. */
  getContent(path: string): Promise<Buffer>;
  /** Writes a whole file atomically and durably, creating parent directories. */
  putContent(path: string, data: Uint8Array | string): Promise<void>;
  /** Streams bytes [start, end] (inclusive, defaults: whole file). Throws NotFoundError. */
  reader(
    path: string,
    range?: { start?: number; end?: number },
  ): Promise<Readable>;
  /**
   * Opens a file for positioned reads (blob GETs read into reused buffers:
   * no garbage per chunk, so RSS stays flat under load). Throws NotFoundError.
   */
  open(path: string): Promise<FileReader>;
  /** Opens an appending writer, creating the file and parents if missing. */
  writer(path: string): Promise<FileWriter>;
  /** Size and kind of a path, or undefined when it does not exist. */
  stat(path: string): Promise<FileInfo | undefined>;
  /** Names of the direct children of a directory; [] when missing. Sorted. */
  list(path: string): Promise<string[]>;
  /** Renames a file atomically, replacing dst. Throws NotFoundError when src is missing. */
  move(src: string, dst: string): Promise<void>;
  /** Removes a file or a directory tree; no-op when missing. */
  remove(path: string): Promise<void>;
}

/** What stat returns. `size` is 0 for directories; `modTime` in ms since the epoch. */
export type FileInfo = { size: number; isDir: boolean; modTime: number };

/** Positioned reads from one file (see StorageDriver.open). */
export interface FileReader {
  /** Reads up to `length` bytes at `position` into `buf`; returns the count (0 at the end). */
  read(buf: Buffer, length: number, position: number): Promise<number>;
  /** Releases the file. Idempotent. */
  close(): Promise<void>;
}

/** An appending writer over one file (see StorageDriver.writer). */
export interface FileWriter {
  /** Bytes in the file so far, including what was there when opened. */
  readonly size: number;
  /** Appends a chunk. */
  write(chunk: Uint8Array): Promise<void>;
  /** Makes what was written durable (fsync). */
  commit(): Promise<void>;
  /** Releases the writer; further writes fail. Idempotent. */
  close(): Promise<void>;
}
