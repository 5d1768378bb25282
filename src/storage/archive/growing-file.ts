/**
 * What a writer tells a reader of the file it is writing: how many bytes
 * the file holds so far (each written out, so readable from the file),
 * then that it is complete, or that it failed and never will be.
 */
export class GrowingFile {
  /** Bytes in the file so far. */
  bytes = 0;
  /** True once every byte is there. */
  complete = false;
  /** Set when the writer gave up; readers fail with it. */
  error: Error | undefined;
  #watchers = new Set<() => void>();

  /** The file now holds `bytes`. */
  grow(bytes: number): void {
    this.bytes = bytes;
    this.#tell();
  }

  /** The file is complete at `bytes`. */
  end(bytes: number): void {
    this.bytes = bytes;
    this.complete = true;
    this.#tell();
  }

  /** The writer gave up: readers stop with this error. */
  fail(err: Error): void {
    this.error ??= err;
    this.#tell();
  }

  /** Calls fn on every change until the returned function is called. */
  watch(fn: () => void): () => void {
    this.#watchers.add(fn);
    return () => this.#watchers.delete(fn);
  }

  #tell(): void {
    for (const fn of this.#watchers) fn();
  }
}
