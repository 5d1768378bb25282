import { isSha256Digest, type Digest } from "../../../oci/digest.ts";
import { RegistryError } from "../../protocol/errors.ts";
import type { FileReader, StorageDriver } from "./driver.ts";
import { blobDataPath, layerLinkPath } from "./paths.ts";

/**
 * Blobs as a repository sees them: a content-addressed file plus a link in
 * the repository. A blob is visible in a repository only while both exist.
 */
export class BlobStore {
  readonly #driver: StorageDriver;
  /** driver: the registry's storage. */
  constructor(driver: StorageDriver) {
    this.#driver = driver;
  }

  /** Size of a blob in a repository, or undefined when it is not there. */
  async stat(name: string, digest: Digest): Promise<number | undefined> {
    checkDigest(digest);
    if (!(await this.#driver.stat(layerLinkPath(name, digest))))
      return undefined;
    return this.globalSize(digest);
  }

  /** Size of a blob in the global store regardless of repository, or undefined. */
  async globalSize(digest: Digest): Promise<number | undefined> {
    const st = await this.#driver.stat(blobDataPath(digest));
    return st && !st.isDir ? st.size : undefined;
  }

  /** Opens a blob for positioned reads; the caller has checked stat. */
  async open(digest: Digest): Promise<FileReader> {
    return this.#driver.open(blobDataPath(digest));
  }

  /** Reads a whole (small) blob, e.g. a manifest. */
  async read(digest: Digest): Promise<Buffer> {
    return this.#driver.getContent(blobDataPath(digest));
  }

  /** Stores bytes whose digest the caller computed, and links them into name. */
  async put(name: string, digest: Digest, data: Uint8Array): Promise<void> {
    if ((await this.globalSize(digest)) === undefined)
      await this.#driver.putContent(blobDataPath(digest), data);
    await this.link(name, digest);
  }

  /** Makes an existing global blob part of a repository (mount, upload end). */
  async link(name: string, digest: Digest): Promise<void> {
    await this.#driver.putContent(layerLinkPath(name, digest), digest);
  }

  /**
   * Removes a blob from a repository (the bytes stay until gc).
   * Throws BLOB_UNKNOWN when it is not there.
   */
  async remove(name: string, digest: Digest): Promise<void> {
    if ((await this.stat(name, digest)) === undefined)
      throw new RegistryError("BLOB_UNKNOWN", { detail: { digest } });
    await this.#driver.remove(
      layerLinkPath(name, digest).replace(/\/link$/, ""),
    );
  }
}

/** Throws DIGEST_INVALID unless the digest is a sha256 digest (the only one stored). */
export function checkDigest(digest: string): void {
  if (!isSha256Digest(digest))
    throw new RegistryError("DIGEST_INVALID", {
      message: "invalid digest",
      detail: { digest },
    });
}
