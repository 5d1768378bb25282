import { createReadStream } from "node:fs";
import {
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  type FileHandle,
} from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { randomBytes } from "node:crypto";
import { DigestCounter, digestHex, type Digest } from "../../oci/digest.ts";
import {
  InvalidArgumentError,
  NotFoundError,
  isErrno,
} from "../../util/errors.ts";
import { syncDir } from "../../util/fs.ts";
import type { BlobInfo, ContentStore, ContentWriter } from "./content-store.ts";

/**
 * ContentStore on a local directory.
 *
 * ```
 * <root>/
 *   blobs/sha256/<hex>     committed blobs, read-only (0444)
 *   ingest/<random>        ingests in progress; removed by cleanIngest()
 * ```
 */
export class LocalContentStore implements ContentStore {
  readonly root: string;

  constructor(options: { root: string }) {
    this.root = options.root;
  }

  /** Creates the directories; call once before use. */
  async init(): Promise<void> {
    await mkdir(join(this.root, "blobs", "sha256"), { recursive: true });
    await mkdir(join(this.root, "ingest"), { recursive: true });
  }

  /** Path of a blob's file (it may not exist). Throws for a malformed digest. */
  blobPath(digest: Digest): string {
    return join(this.root, "blobs", "sha256", digestHex(digest));
  }

  async info(digest: Digest): Promise<BlobInfo | undefined> {
    try {
      const st = await stat(this.blobPath(digest));
      return { digest, size: st.size };
    } catch (err) {
      if (isErrno(err, "ENOENT")) return undefined;
      throw err;
    }
  }

  async exists(digest: Digest): Promise<boolean> {
    return (await this.info(digest)) !== undefined;
  }

  async read(digest: Digest): Promise<Buffer> {
    try {
      return await readFile(this.blobPath(digest));
    } catch (err) {
      if (isErrno(err, "ENOENT"))
        throw new NotFoundError(`content ${digest}: not found`);
      throw err;
    }
  }

  async readStream(digest: Digest): Promise<Readable> {
    if (!(await this.exists(digest)))
      throw new NotFoundError(`content ${digest}: not found`);
    return createReadStream(this.blobPath(digest));
  }

  async writer(): Promise<ContentWriter> {
    const tmp = join(this.root, "ingest", randomBytes(12).toString("hex"));
    const fh = await open(tmp, "wx", 0o600);
    return new LocalWriter(this, tmp, fh);
  }

  async put(data: Uint8Array, expected?: Digest): Promise<BlobInfo> {
    return this.putStream([data], expected);
  }

  async putStream(
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    expected?: Digest,
  ): Promise<BlobInfo> {
    const w = await this.writer();
    try {
      for await (const chunk of source) await w.write(chunk);
      return await w.commit(expected === undefined ? {} : { digest: expected });
    } finally {
      await w.abort();
    }
  }

  async *walk(): AsyncIterable<BlobInfo> {
    const dir = join(this.root, "blobs", "sha256");
    for (const name of await readdir(dir)) {
      if (!/^[a-f0-9]{64}$/.test(name)) continue;
      const st = await stat(join(dir, name)).catch(() => undefined);
      if (st) yield { digest: `sha256:${name}`, size: st.size };
    }
  }

  async remove(digest: Digest): Promise<void> {
    await rm(this.blobPath(digest), { force: true });
  }

  async cleanIngest(): Promise<number> {
    const dir = join(this.root, "ingest");
    const names = await readdir(dir).catch(() => []);
    await Promise.all(names.map((n) => rm(join(dir, n), { force: true })));
    return names.length;
  }
}

class LocalWriter implements ContentWriter {
  #store: LocalContentStore;
  #tmp: string;
  #fh: FileHandle | undefined;
  #counter = new DigestCounter();

  constructor(store: LocalContentStore, tmp: string, fh: FileHandle) {
    this.#store = store;
    this.#tmp = tmp;
    this.#fh = fh;
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (!this.#fh) throw new Error("content writer is closed");
    this.#counter.update(chunk);
    await this.#fh.write(chunk);
  }

  async commit(
    expected: { digest?: Digest; size?: number } = {},
  ): Promise<BlobInfo> {
    const fh = this.#fh;
    if (!fh) throw new Error("content writer is closed");
    const digest = this.#counter.digest();
    const size = this.#counter.size;
    this.#fh = undefined;
    try {
      if (expected.digest !== undefined && expected.digest !== digest)
        throw new InvalidArgumentError(
          `unexpected commit digest ${digest}, expected ${expected.digest}: failed precondition`,
        );
      if (expected.size !== undefined && expected.size !== size)
        throw new InvalidArgumentError(
          `unexpected commit size ${size}, expected ${expected.size}`,
        );
      await fh.chmod(0o444);
      await fh.sync();
    } catch (err) {
      await fh.close();
      await rm(this.#tmp, { force: true });
      throw err;
    }
    await fh.close();
    const dest = this.#store.blobPath(digest);
    await rename(this.#tmp, dest);
    await syncDir(join(this.#store.root, "blobs", "sha256"));
    return { digest, size };
  }

  async abort(): Promise<void> {
    const fh = this.#fh;
    this.#fh = undefined;
    if (fh) await fh.close().catch(() => undefined);
    await rm(this.#tmp, { force: true });
  }
}
