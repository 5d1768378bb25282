import { close, open, read } from "node:fs";
import { Readable } from "node:stream";

/** Bytes read at once: one gunzip call per MiB, not per 64 KiB. */
const PIECE = 1 << 20;

/**
 * A file read as a stream while another writer may still be appending to
 * it (an ingest being downloaded): reads only as far as `grow` said the
 * file holds, waits there for more, and ends once `grow` says the file is
 * complete. Each piece is read from the page cache into a fresh buffer,
 * so nothing the writer holds is shared and memory stays at a few pieces.
 */
export class FollowedFile extends Readable {
  #path: string;
  #fd: number | undefined;
  /** Opened here (closed here), not handed in by the caller. */
  #own: boolean;
  #onRead: ((bytes: number) => void) | undefined;
  #pos = 0;
  #avail: number;
  #complete: boolean;
  #waiting = false;
  /** A read in the thread pool: the fd is closed only after it, never under it. */
  #reading = false;
  #closeAfterRead: (() => void) | undefined;

  /**
   * `file`: a path, or an fd open for reading that the caller closes after
   * this stream ends (so a rename or removal of the path cannot race the
   * open); `avail`: bytes in the file now; `complete`: no more will come.
   */
  constructor(
    file: string | number,
    avail: number,
    complete: boolean,
    /** Called with the size of each piece read. */
    onRead?: (bytes: number) => void,
  ) {
    super({ highWaterMark: PIECE });
    this.#onRead = onRead;
    this.#own = typeof file === "string";
    this.#path = typeof file === "string" ? file : `fd ${file}`;
    if (typeof file === "number") this.#fd = file;
    this.#avail = avail;
    this.#complete = complete;
  }

  /** The file now holds `bytes`; `complete`: and that is all of it. */
  grow(bytes: number, complete: boolean): void {
    this.#avail = Math.max(this.#avail, bytes);
    this.#complete ||= complete;
    if (this.#waiting) {
      this.#waiting = false;
      this.#pump();
    }
  }

  override _construct(done: (err?: Error | null) => void): void {
    if (!this.#own) return done();
    open(this.#path, "r", (err, fd) => {
      if (!err) this.#fd = fd;
      done(err);
    });
  }

  override _read(): void {
    this.#pump();
  }

  #pump(): void {
    if (this.#pos >= this.#avail) {
      if (this.#complete) this.push(null);
      else this.#waiting = true;
      return;
    }
    const want = Math.min(PIECE, this.#avail - this.#pos);
    const buf = Buffer.allocUnsafe(want);
    this.#reading = true;
    read(this.#fd!, buf, 0, want, this.#pos, (err, got) => {
      this.#reading = false;
      if (this.#closeAfterRead) return this.#closeAfterRead();
      if (err) return void this.destroy(err);
      if (got === 0 && this.#avail === Infinity) return void this.push(null);
      if (got === 0)
        return void this.destroy(
          new Error(
            `${this.#path}: shorter than the ${this.#avail} bytes written`,
          ),
        );
      this.#pos += got;
      this.#onRead?.(got);
      this.push(got < want ? buf.subarray(0, got) : buf);
    });
  }

  override _destroy(
    err: Error | null,
    done: (err?: Error | null) => void,
  ): void {
    const fd = this.#fd;
    this.#fd = undefined;
    if (fd === undefined || !this.#own) return done(err);
    const shut = (): void => close(fd, () => done(err));
    if (this.#reading) this.#closeAfterRead = shut;
    else shut();
  }
}
