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
 * Bytes the daemon may hold in memory for the contexts of all builds at
 * once (BuilderService makes one): a spool takes from it as it grows
 * and gives it back when it spills to its file or closes.
 */
export class MemoryBudget {
  #left: number;
  constructor(bytes: number) {
    this.#left = bytes;
  }
  /** Takes n bytes if that many are left. */
  take(n: number): boolean {
    if (n > this.#left) return false;
    this.#left -= n;
    return true;
  }
  /** Gives n bytes back. */
  give(n: number): void {
    this.#left += n;
  }
}

/**
 * The bytes of a build context's regular files, back to back, read back
 * by offset. They stay in memory (the received buffers themselves) while
 * the budget allows, so a context that no step needs on disk is never
 * written; past the budget everything moves to one file at `path`,
 * written sequentially in 1 MiB writes, so a context of any size is one
 * file and one unlink. Synchronous calls: each is short, and a
 * thread-pool round trip per chunk costs more.
 */
export class ContextSpool {
  readonly path: string;
  #budget: MemoryBudget;
  #chunks: Buffer[] = [];
  /** Offset of each chunk in #chunks. */
  #starts: number[] = [];
  #held = 0;
  #fd: number | undefined;
  #size = 0;
  #written = 0;
  #batch: Buffer[] = [];
  #batchBytes = 0;

  /** A spool whose file, if it needs one, is path (which must not exist). */
  constructor(path: string, budget = new MemoryBudget(0)) {
    this.path = path;
    this.#budget = budget;
  }

  /** Bytes appended so far: the offset of the next append. */
  get size(): number {
    return this.#size;
  }

  /** True once the bytes live in the file. */
  get onDisk(): boolean {
    return this.#fd !== undefined;
  }

  /** Appends bytes (the buffer is kept, not copied: it must not change). */
  append(chunk: Buffer): void {
    if (this.#fd === undefined && this.#budget.take(chunk.length)) {
      this.#chunks.push(chunk);
      this.#starts.push(this.#size);
      this.#held += chunk.length;
      this.#size += chunk.length;
      return;
    }
    if (this.#fd === undefined) this.#spill();
    this.#batch.push(chunk);
    this.#batchBytes += chunk.length;
    this.#size += chunk.length;
    if (this.#batchBytes >= BATCH) this.flush();
  }

  /** Writes what is batched for the file. */
  flush(): void {
    if (this.#fd === undefined) return;
    let left = this.#batch;
    this.#batch = [];
    this.#batchBytes = 0;
    // writev until every byte is written (a short write continues).
    while (left.length > 0) {
      let n = writevSync(this.#fd, left.slice(0, 1024), this.#written);
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
    const out = Buffer.allocUnsafe(length);
    let done = 0;
    for (const piece of this.pieces(offset, length)) {
      piece.copy(out, done);
      done += piece.length;
    }
    return out;
  }

  /** Copies the length bytes at offset to the file open as fd. */
  copyTo(fd: number, offset: number, length: number): void {
    for (const piece of this.pieces(offset, length, true))
      for (let w = 0; w < piece.length;)
        w += writeSync(fd, piece, w, piece.length - w);
  }

  /**
   * The bytes of [offset, offset+length) in pieces, in order: views of
   * the buffers held in memory, or reads of the file (into one reused
   * buffer with `reuse`: each piece is then valid until the next).
   */
  *pieces(offset: number, length: number, reuse = false): Generator<Buffer> {
    const end = offset + length;
    if (this.#fd !== undefined) {
      this.flush();
      let scratch = Buffer.allocUnsafe(Math.min(BATCH, length));
      for (let at = offset; at < end;) {
        if (!reuse && at > offset)
          scratch = Buffer.allocUnsafe(Math.min(BATCH, end - at));
        const n = readSync(
          this.#fd,
          scratch,
          0,
          Math.min(scratch.length, end - at),
          at,
        );
        if (n === 0) throw new Error("build context spool: short read");
        yield scratch.subarray(0, n);
        at += n;
      }
      return;
    }
    // The last chunk starting at or before offset (binary search).
    let lo = 0;
    let hi = this.#starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    for (let i = lo; i < this.#chunks.length && this.#starts[i]! < end; i++) {
      const start = this.#starts[i]!;
      const c = this.#chunks[i]!;
      yield c.subarray(
        Math.max(0, offset - start),
        Math.min(c.length, end - start),
      );
    }
  }

  /** Closes and removes the file, and gives memory back. */
  close(): void {
    this.#drop();
    this.#batch = [];
    if (this.#fd === undefined) return;
    try {
      closeSync(this.#fd);
    } finally {
      this.#fd = undefined;
      unlinkSync(this.path);
    }
  }

  /** Moves what memory holds into the new file. */
  #spill(): void {
    this.#fd = openSync(
      this.path,
      constants.O_RDWR |
        constants.O_CREAT |
        constants.O_EXCL |
        constants.O_NOFOLLOW,
      0o600,
    );
    this.#batch = this.#chunks;
    this.flush();
    this.#drop();
  }

  #drop(): void {
    this.#budget.give(this.#held);
    this.#held = 0;
    this.#chunks = [];
    this.#starts = [];
  }
}
