import { createReadStream } from "node:fs";
import {
  mkdir,
  open,
  readFile,
  readdir,
  rename,
  rm,
  stat,
  type FileHandle,
} from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { NotFoundError, isErrno } from "../../../util/errors.ts";
import { writeFileAtomic } from "../../../util/fs.ts";
import type {
  FileInfo,
  FileReader,
  FileWriter,
  StorageDriver,
} from "./driver.ts";

/** Temp files of writeFileAtomic; never listed. */
const TEMP_PREFIX = ".tmp-";

/**
 * StorageDriver over a local directory: each logical path is the same path
 * under the root. Writes go through temp + fsync + rename.
 */
export class FilesystemDriver implements StorageDriver {
  readonly #root: string;
  /** root: the storage directory (created on first write). */
  constructor(root: string) {
    this.#root = root;
  }

  #full(path: string): string {
    if (!path.startsWith("/") || path.split("/").includes(".."))
      throw new Error(`invalid storage path: ${path}`);
    return join(this.#root, path);
  }

  async getContent(path: string): Promise<Buffer> {
    try {
      return await readFile(this.#full(path));
    } catch (err) {
      throw notFound(err, path);
    }
  }

  async putContent(path: string, data: Uint8Array | string): Promise<void> {
    await writeFileAtomic(this.#full(path), data);
  }

  async reader(
    path: string,
    range: { start?: number; end?: number } = {},
  ): Promise<Readable> {
    const fh = await open(this.#full(path), "r").catch((err: unknown) => {
      throw notFound(err, path);
    });
    return createReadStream("", { fd: fh, ...range, highWaterMark: 256 << 10 });
  }

  async open(path: string): Promise<FileReader> {
    const fh = await open(this.#full(path), "r").catch((err: unknown) => {
      throw notFound(err, path);
    });
    let closed = false;
    return {
      read: async (buf, length, position) =>
        (await fh.read(buf, 0, length, position)).bytesRead,
      close: async () => {
        if (closed) return;
        closed = true;
        await fh.close();
      },
    };
  }

  async writer(path: string): Promise<FileWriter> {
    const full = this.#full(path);
    await mkdir(dirname(full), { recursive: true });
    const fh = await open(full, "a");
    const { size } = await fh.stat();
    return new FsWriter(fh, size);
  }

  async stat(path: string): Promise<FileInfo | undefined> {
    try {
      const st = await stat(this.#full(path));
      return {
        size: st.isDirectory() ? 0 : st.size,
        isDir: st.isDirectory(),
        modTime: st.mtimeMs,
      };
    } catch (err) {
      if (isErrno(err, "ENOENT") || isErrno(err, "ENOTDIR")) return undefined;
      throw err;
    }
  }

  async list(path: string): Promise<string[]> {
    try {
      const names = await readdir(this.#full(path));
      return names.filter((n) => !n.startsWith(TEMP_PREFIX)).sort();
    } catch (err) {
      if (isErrno(err, "ENOENT") || isErrno(err, "ENOTDIR")) return [];
      throw err;
    }
  }

  async move(src: string, dst: string): Promise<void> {
    const to = this.#full(dst);
    await mkdir(dirname(to), { recursive: true });
    try {
      await rename(this.#full(src), to);
    } catch (err) {
      throw notFound(err, src);
    }
  }

  async remove(path: string): Promise<void> {
    await rm(this.#full(path), { recursive: true, force: true });
  }
}

class FsWriter implements FileWriter {
  #fh: FileHandle | undefined;
  size: number;
  constructor(fh: FileHandle, size: number) {
    this.#fh = fh;
    this.size = size;
  }
  async write(chunk: Uint8Array): Promise<void> {
    if (!this.#fh) throw new Error("write after close");
    let off = 0;
    while (off < chunk.length) {
      const { bytesWritten } = await this.#fh.write(chunk, off);
      off += bytesWritten;
    }
    this.size += chunk.length;
  }
  async commit(): Promise<void> {
    await this.#fh?.sync();
  }
  async close(): Promise<void> {
    const fh = this.#fh;
    this.#fh = undefined;
    await fh?.close();
  }
}

function notFound(err: unknown, path: string): unknown {
  if (
    isErrno(err, "ENOENT") ||
    isErrno(err, "ENOTDIR") ||
    isErrno(err, "EISDIR")
  )
    return new NotFoundError(`storage path not found: ${path}`);
  return err;
}
