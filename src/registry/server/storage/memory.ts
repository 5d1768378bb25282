import { Readable } from "node:stream";
import { NotFoundError } from "../../../util/errors.ts";
import type {
  FileInfo,
  FileReader,
  FileWriter,
  StorageDriver,
} from "./driver.ts";

type Entry = { data: Buffer; modTime: number };

/**
 * StorageDriver in process memory: a map from path to bytes, directories
 * implied by prefixes. Used by unit tests and `storage.memory` in the config
 * (nothing survives a restart).
 */
export class MemoryDriver implements StorageDriver {
  readonly #files = new Map<string, Entry>();

  async getContent(path: string): Promise<Buffer> {
    return Buffer.from(this.#get(path).data);
  }

  async putContent(path: string, data: Uint8Array | string): Promise<void> {
    this.#files.set(path, { data: Buffer.from(data), modTime: Date.now() });
  }

  async reader(
    path: string,
    range: { start?: number; end?: number } = {},
  ): Promise<Readable> {
    const { data } = this.#get(path);
    const start = range.start ?? 0;
    const end = range.end === undefined ? data.length : range.end + 1;
    return Readable.from([data.subarray(start, end)]);
  }

  async open(path: string): Promise<FileReader> {
    const { data } = this.#get(path);
    return {
      read: async (buf, length, position) =>
        data.copy(buf, 0, position, Math.min(data.length, position + length)),
      close: async () => {},
    };
  }

  async writer(path: string): Promise<FileWriter> {
    if (!this.#files.has(path))
      this.#files.set(path, { data: Buffer.alloc(0), modTime: Date.now() });
    const files = this.#files;
    let open = true;
    return {
      get size() {
        return files.get(path)?.data.length ?? 0;
      },
      async write(chunk: Uint8Array) {
        if (!open) throw new Error("write after close");
        const prev = files.get(path)?.data ?? Buffer.alloc(0);
        files.set(path, {
          data: Buffer.concat([prev, chunk]),
          modTime: Date.now(),
        });
      },
      async commit() {},
      async close() {
        open = false;
      },
    };
  }

  async stat(path: string): Promise<FileInfo | undefined> {
    const f = this.#files.get(path);
    if (f) return { size: f.data.length, isDir: false, modTime: f.modTime };
    const prefix = path.endsWith("/") ? path : `${path}/`;
    for (const [p, e] of this.#files)
      if (p.startsWith(prefix))
        return { size: 0, isDir: true, modTime: e.modTime };
    return undefined;
  }

  async list(path: string): Promise<string[]> {
    const prefix = path.endsWith("/") ? path : `${path}/`;
    const names = new Set<string>();
    for (const p of this.#files.keys())
      if (p.startsWith(prefix))
        names.add(p.slice(prefix.length).split("/")[0] ?? "");
    names.delete("");
    return [...names].sort();
  }

  async move(src: string, dst: string): Promise<void> {
    const f = this.#get(src);
    this.#files.delete(src);
    this.#files.set(dst, f);
  }

  async remove(path: string): Promise<void> {
    const prefix = path.endsWith("/") ? path : `${path}/`;
    for (const p of [...this.#files.keys()])
      if (p === path || p.startsWith(prefix)) this.#files.delete(p);
  }

  #get(path: string): Entry {
    const f = this.#files.get(path);
    if (!f) throw new NotFoundError(`storage path not found: ${path}`);
    return f;
  }
}
