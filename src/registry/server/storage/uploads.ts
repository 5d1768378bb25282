import { randomUUID } from "node:crypto";
import { DigestCounter, type Digest } from "../../../oci/digest.ts";
import { RegistryError } from "../../protocol/errors.ts";
import { KeyedLock } from "../../../util/lock.ts";
import type { StorageDriver } from "./driver.ts";
import {
  blobDataPath,
  uploadDataPath,
  uploadStartedPath,
  uploadsDir,
} from "./paths.ts";
import type { BlobStore } from "./blobs.ts";

const uuidPattern =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Blob upload sessions (spec.md "Pushing blobs"). Bytes are appended to a
 * per-upload file; a running sha256 is kept in memory while the file and
 * the hash agree, and recomputed from the file when they do not (after a
 * restart or a broken PATCH). Finishing verifies the digest, fsyncs, and
 * renames into the blob store, so a half blob is never visible.
 */
export class UploadStore {
  readonly #driver: StorageDriver;
  readonly #blobs: BlobStore;
  readonly #hashes = new Map<string, DigestCounter>();
  readonly #lock = new KeyedLock();
  /** Uploads in progress in this process (for /metrics). */
  get active(): number {
    return this.#hashes.size;
  }

  /** driver: the registry's storage; blobs: where finished uploads go. */
  constructor(driver: StorageDriver, blobs: BlobStore) {
    this.#driver = driver;
    this.#blobs = blobs;
  }

  /** Starts an upload in a repository; returns its id. */
  async start(name: string): Promise<string> {
    const uuid = randomUUID();
    await this.#driver.putContent(
      uploadStartedPath(name, uuid),
      new Date().toISOString(),
    );
    await (await this.#driver.writer(uploadDataPath(name, uuid))).close();
    this.#hashes.set(uuid, new DigestCounter());
    return uuid;
  }

  /** Bytes received so far. Throws BLOB_UPLOAD_UNKNOWN. */
  async size(name: string, uuid: string): Promise<number> {
    const st = uuidPattern.test(uuid)
      ? await this.#driver.stat(uploadDataPath(name, uuid))
      : undefined;
    if (!st)
      throw new RegistryError("BLOB_UPLOAD_UNKNOWN", { detail: { uuid } });
    return st.size;
  }

  /**
   * Appends a chunk. `start`, when given (from Content-Range), must equal the
   * current size, else 416 BLOB_UPLOAD_INVALID (spec: chunks in order).
   * Returns the new size. Concurrent PATCHes to one upload are serialized.
   */
  async append(
    name: string,
    uuid: string,
    body: AsyncIterable<Uint8Array>,
    options: { start?: number; length?: number } = {},
  ): Promise<number> {
    return this.#lock.run(uuid, async () => {
      const size = await this.size(name, uuid);
      if (options.start !== undefined && options.start !== size)
        throw new RegistryError("BLOB_UPLOAD_INVALID", {
          status: 416,
          message: `chunk out of order: upload has ${size} bytes, chunk starts at ${options.start}`,
        });
      let hash = this.#hashes.get(uuid);
      if (hash && hash.size !== size) hash = undefined;
      this.#hashes.delete(uuid);
      const w = await this.#driver.writer(uploadDataPath(name, uuid));
      try {
        for await (const chunk of body) {
          await w.write(chunk);
          hash?.update(chunk);
        }
        await w.commit();
      } finally {
        await w.close();
      }
      if (hash) this.#hashes.set(uuid, hash);
      if (options.length !== undefined && w.size - size !== options.length)
        throw new RegistryError("SIZE_INVALID", {
          detail: { expected: options.length, received: w.size - size },
        });
      return w.size;
    });
  }

  /**
   * Verifies the upload's digest and moves it into the blob store, linked
   * into the repository; the upload is gone afterwards either way.
   * Throws DIGEST_INVALID when the bytes do not match.
   */
  async finish(name: string, uuid: string, digest: Digest): Promise<number> {
    return this.#lock.run(uuid, async () => {
      const size = await this.size(name, uuid);
      const data = uploadDataPath(name, uuid);
      let actual = this.#hashes.get(uuid);
      if (!actual || actual.size !== size) {
        actual = new DigestCounter();
        for await (const c of await this.#driver.reader(data))
          actual.update(c as Buffer);
      }
      if (actual.digest() !== digest) {
        await this.#removeUpload(name, uuid);
        throw new RegistryError("DIGEST_INVALID", { detail: { digest } });
      }
      // A concurrent upload of the same blob may have landed first: both
      // carry the same bytes, so replacing is harmless.
      await this.#driver.move(data, blobDataPath(digest));
      await this.#blobs.link(name, digest);
      await this.#removeUpload(name, uuid);
      return size;
    });
  }

  /** Cancels an upload. Throws BLOB_UPLOAD_UNKNOWN. */
  async cancel(name: string, uuid: string): Promise<void> {
    await this.size(name, uuid);
    await this.#removeUpload(name, uuid);
  }

  /** Ids and start times of all uploads in a repository (for gc). */
  async list(
    name: string,
  ): Promise<Array<{ uuid: string; startedAt: string }>> {
    const out: Array<{ uuid: string; startedAt: string }> = [];
    for (const uuid of await this.#driver.list(uploadsDir(name))) {
      const started = await this.#driver
        .getContent(uploadStartedPath(name, uuid))
        .catch(() => Buffer.from(""));
      out.push({ uuid, startedAt: started.toString() });
    }
    return out;
  }

  async #removeUpload(name: string, uuid: string): Promise<void> {
    this.#hashes.delete(uuid);
    await this.#driver.remove(`${uploadsDir(name)}/${uuid}`);
  }
}
