import {
  closeSync,
  constants,
  openSync,
  readSync,
  unlinkSync,
  writeSync,
  writevSync,
} from "node:fs";

const BATCH = 1 << 20;

/**
 * The bytes of a build context's regular files, back to back in one file
 * written sequentially as the context arrives (gathered into 1 MiB
 * writes), so receiving a context creates one file however many it holds
 * and removing it is one unlink. Files are read back by offset, only
 * for the steps that need them on disk (context.ts). Synchronous calls:
 * each is short, and a thread-pool round trip per chunk costs more.
 */
export class ContextSpool {
  readonly path: string;
  #fd: number;
  #size = 0;
  #written = 0;
  #batch: Buffer[] = [];
  #batchBytes = 0;

  /** Creates the spool file at path (which must not exist), mode 0600. */
  constructor(path: string) {
    this.path = path;
    this.#fd = openSync(
      path,
      constants.O_RDWR |
        constants.O_CREAT |
        constants.O_EXCL |
        constants.O_NOFOLLOW,
      0o600,
    );
  }

  /** Bytes appended so far: the offset of the next append. */
  get size(): number {
    return this.#size;
  }

  /** Appends bytes (the buffer is kept until the batch is written). */
  append(chunk: Buffer): void {
    this.#batch.push(chunk);
    this.#batchBytes += chunk.length;
    this.#size += chunk.length;
    if (this.#batchBytes >= BATCH) this.flush();
  }

  /** Writes what is batched. */
  flush(): void {
    let left = this.#batch;
    this.#batch = [];
    this.#batchBytes = 0;
    // writev until every byte is written (a short write continues).
    while (left.length > 0) {
      let n = writevSync(this.#fd, left, this.#written);
      this.#written += n;
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

  /** The length bytes at offset. */
  read(offset: number, length: number): Buffer {
    this.flush();
    const out = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.#fd, out, done, length - done, offset + done);
      if (n === 0) throw new Error(`build context spool: short read`);
      done += n;
    }
    return out;
  }

  /** Copies the length bytes at offset to the file open as fd. */
  copyTo(fd: number, offset: number, length: number, scratch: Buffer): void {
    this.flush();
    let done = 0;
    while (done < length) {
      const want = Math.min(scratch.length, length - done);
      const n = readSync(this.#fd, scratch, 0, want, offset + done);
      if (n === 0) throw new Error(`build context spool: short read`);
      for (let w = 0; w < n;) w += writeSync(fd, scratch, w, n - w);
      done += n;
    }
  }

  /** Closes and removes the file. */
  close(): void {
    this.#batch = [];
    try {
      closeSync(this.#fd);
    } finally {
      unlinkSync(this.path);
    }
  }
}
