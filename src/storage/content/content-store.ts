import type { Readable } from "node:stream";
import type { Digest } from "../../oci/digest.ts";

/** What the store knows about one blob. */
export type BlobInfo = { digest: Digest; size: number };

/**
 * An open ingest: bytes go to a temp file while being hashed; commit()
 * verifies and publishes them under their digest.
 */
export interface ContentWriter {
  /** Appends one chunk. */
  write(chunk: Uint8Array): Promise<void>;
  /**
   * The ingest's temp file, for a reader that follows it as it grows: it
   * holds the first `written` bytes (small writes are gathered first).
   */
  readonly path: string;
  /** Bytes written out to `path` so far. */
  readonly written: number;
  /**
   * Finishes the ingest: checks the digest (and size) when expected values
   * were given, then renames the temp file into place. Throws
   * InvalidArgumentError on a mismatch (and removes the temp file).
   * Committing content that already exists is not an error.
   */
  commit(expected?: { digest?: Digest; size?: number }): Promise<BlobInfo>;
  /** Drops the temp file. Safe to call after commit or twice. */
  abort(): Promise<void>;
}

/**
 * A content-addressed blob store: every blob is named by the sha256 of its
 * bytes, so a name can never point at different content and equal content is
 * stored once (containerd's content.Store, distribution's blob store).
 *
 * Vocabulary
 * - blob: immutable bytes named by `sha256:<hex>` (its digest).
 * - ingest: an upload in progress. Bytes land in a temp file under ingest/,
 *   hashed as they stream; the file becomes visible under blobs/ only by an
 *   atomic rename after the digest checks out.
 *
 * Lifecycle
 *   writer = await store.writer()       // temp file in ingest/
 *   await writer.write(chunk) …         // hashing as we go
 *   await writer.commit({ digest })     // verify → fsync → rename
 *   store.readStream(digest)            // any number of readers
 *   await store.remove(digest)          // garbage collection, by the owner
 *
 * Guarantees
 * - A blob that is visible is complete and matches its digest: a crash
 *   (kill -9) at any moment leaves at most a stray temp file, which
 *   cleanIngest() removes at start-up.
 * - The store keeps no references: who uses a blob (image configs, layer
 *   tars, manifests) is the caller's business, as is deciding when to remove.
 *
 * Example
 *   const info = await store.put(Buffer.from(JSON.stringify(config)));
 *   // info.digest is the image id
 *   const config2 = JSON.parse((await store.read(info.digest)).toString());
 */
export interface ContentStore {
  /** Size of a blob, or undefined when absent. Throws for a malformed digest. */
  info(digest: Digest): Promise<BlobInfo | undefined>;
  /** True when the blob is present. */
  exists(digest: Digest): Promise<boolean>;
  /** The whole blob. Throws NotFoundError when absent. */
  read(digest: Digest): Promise<Buffer>;
  /** The blob as a stream. Throws NotFoundError (synchronously checked) when absent. */
  readStream(digest: Digest): Promise<Readable>;
  /** Opens an ingest (see ContentWriter). */
  writer(): Promise<ContentWriter>;
  /** Ingests a buffer; verifies `expected` when given. */
  put(data: Uint8Array, expected?: Digest): Promise<BlobInfo>;
  /** Ingests a stream; verifies `expected` when given. Aborts the ingest on any error. */
  putStream(
    source: AsyncIterable<Uint8Array>,
    expected?: Digest,
  ): Promise<BlobInfo>;
  /**
   * Publishes a file the caller has already hashed (`expected.digest` over
   * exactly its bytes, e.g. a layer tar just applied from that file) without
   * copying it: checks the size, fsyncs, and hard-links it into place, so the
   * caller's file stays. It must be on the store's filesystem and must not
   * change afterwards. Throws InvalidArgumentError when the size differs.
   */
  adopt(
    path: string,
    expected: { digest: Digest; size: number },
  ): Promise<BlobInfo>;
  /** Every blob, in no particular order. */
  walk(): AsyncIterable<BlobInfo>;
  /** Every blob's digest, in no particular order (cheaper than walk: no sizes). */
  digests(): AsyncIterable<Digest>;
  /** Removes a blob; no-op when absent. */
  remove(digest: Digest): Promise<void>;
  /** Removes leftover temp files of ingests that never committed; returns how many. */
  cleanIngest(): Promise<number>;
}
