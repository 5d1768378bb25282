import { createReadStream } from "node:fs";
import {
  link,
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
import { createGunzip, gunzipSync } from "node:zlib";
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
 *   blobs/sha256/<hex>.gz  written by older wharf versions: the same blob
 *                          gzip-compressed; still read (digest and size are
 *                          of the uncompressed bytes), never written
 *   ingest/<random>        ingests in progress; removed by cleanIngest()
 * ```
 *
 * Blobs are stored exactly as ingested: compressing layer tars on the way
 * in made `docker load` 4x slower than dockerd's (docs/architecture.md,
 * "Content store format").
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
    const found = await this.#locate(digest);
    return found && { digest, size: found.size };
  }

  /** Where a blob lives (plain or .gz) and its uncompressed size. */
  async #locate(
    digest: Digest,
  ): Promise<{ path: string; gz: boolean; size: number } | undefined> {
    const plain = this.blobPath(digest);
    for (const [path, gz] of [
      [plain, false],
      [`${plain}.gz`, true],
    ] as const)
      try {
        const st = await stat(path);
        return { path, gz, size: gz ? await gzipSize(path) : st.size };
      } catch (err) {
        if (!isErrno(err, "ENOENT")) throw err;
      }
    return undefined;
  }

  async exists(digest: Digest): Promise<boolean> {
    return (await this.info(digest)) !== undefined;
  }

  async read(digest: Digest): Promise<Buffer> {
    const found = await this.#locate(digest);
    if (!found) throw new NotFoundError(`content ${digest}: not found`);
    const data = await readFile(found.path);
    return found.gz ? gunzipSync(data) : data;
  }

  async readStream(digest: Digest): Promise<Readable> {
    const found = await this.#locate(digest);
    if (!found) throw new NotFoundError(`content ${digest}: not found`);
    const file = createReadStream(found.path, { highWaterMark: 1 << 20 });
    if (!found.gz) return file;
    const gunzip = createGunzip();
    file.on("error", (err) => gunzip.destroy(err));
    return file.pipe(gunzip);
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

  async adopt(
    path: string,
    expected: { digest: Digest; size: number },
  ): Promise<BlobInfo> {
    const dest = this.blobPath(expected.digest);
    const fh = await open(path, "r");
    try {
      const { size } = await fh.stat();
      if (size !== expected.size)
        throw new InvalidArgumentError(
          `unexpected commit size ${size}, expected ${expected.size}`,
        );
      await fh.chmod(0o444);
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await link(path, dest);
    } catch (err) {
      // The same bytes are there already (named by their digest).
      if (!isErrno(err, "EEXIST")) throw err;
    }
    await rm(`${dest}.gz`, { force: true });
    await syncDir(join(this.root, "blobs", "sha256"));
    return { ...expected };
  }

  async *walk(): AsyncIterable<BlobInfo> {
    const dir = join(this.root, "blobs", "sha256");
    for (const name of await readdir(dir)) {
      const m = /^([a-f0-9]{64})(\.gz)?$/.exec(name);
      if (!m) continue;
      const path = join(dir, name);
      const size = m[2]
        ? await gzipSize(path).catch(() => undefined)
        : (await stat(path).catch(() => undefined))?.size;
      if (size !== undefined) yield { digest: `sha256:${m[1]!}`, size };
    }
  }

  async *digests(): AsyncIterable<Digest> {
    const dir = join(this.root, "blobs", "sha256");
    for (const name of await readdir(dir)) {
      const m = /^([a-f0-9]{64})(\.gz)?$/.exec(name);
      if (m) yield `sha256:${m[1]!}`;
    }
  }

  async remove(digest: Digest): Promise<void> {
    const path = this.blobPath(digest);
    await rm(path, { force: true });
    await rm(`${path}.gz`, { force: true });
  }

  async cleanIngest(): Promise<number> {
    const dir = join(this.root, "ingest");
    const names = await readdir(dir).catch(() => []);
    await Promise.all(names.map((n) => rm(join(dir, n), { force: true })));
    return names.length;
  }
}

/** Bytes gathered before one write: fewer thread-pool round trips per blob. */
const WRITE_BATCH = 1 << 20;

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

  /** Chunks not written yet: small writes are gathered into one writev. */
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  written = 0;

  get path(): string {
    return this.#tmp;
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (!this.#fh) throw new Error("content writer is closed");
    this.#counter.update(chunk);
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    if (this.#pendingBytes >= WRITE_BATCH) await this.#flush();
  }

  async #flush(): Promise<void> {
    const batch = this.#pending;
    this.#pending = [];
    this.#pendingBytes = 0;
    if (batch.length === 0 || !this.#fh) return;
    const { bytesWritten } = await this.#fh.writev(batch);
    this.written += bytesWritten;
  }

  async commit(
    expected: { digest?: Digest; size?: number } = {},
  ): Promise<BlobInfo> {
    const fh = this.#fh;
    if (!fh) throw new Error("content writer is closed");
    const digest = this.#counter.digest();
    const size = this.#counter.size;
    try {
      await this.#flush();
    } finally {
      this.#fh = undefined;
    }
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
    await rm(`${dest}.gz`, { force: true }); // a compressed copy from an older wharf
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

/** The uncompressed size a gzip file records in its last 4 bytes (ISIZE). */
async function gzipSize(path: string): Promise<number> {
  const fh = await open(path, "r");
  try {
    const { size } = await fh.stat();
    const buf = Buffer.alloc(4);
    await fh.read(buf, 0, 4, size - 4);
    return buf.readUInt32LE(0);
  } finally {
    await fh.close();
  }
}
