import { sha256Digest } from "../../../oci/digest.ts";
import { RegistryError } from "../../protocol/errors.ts";
import { isDigestReference } from "../../protocol/names.ts";
import type { BlobStore } from "../storage/blobs.ts";
import type { ManifestStore, StoredManifest } from "../storage/manifests.ts";
import type { UploadStore } from "../storage/uploads.ts";
import type { Upstream } from "./upstream.ts";

/**
 * Pull-through cache (proxy mode): manifests and blobs missing here are
 * fetched from the upstream, verified and stored as if pushed; tags are
 * looked up upstream on every request (so they follow it) and served from
 * the cache when the upstream cannot be reached.
 */
export class PullThrough {
  readonly #up: Upstream;
  readonly #stores: {
    blobs: BlobStore;
    uploads: UploadStore;
    manifests: ManifestStore;
  };
  /** upstream: the remote registry; stores: the local cache. */
  constructor(
    upstream: Upstream,
    stores: {
      blobs: BlobStore;
      uploads: UploadStore;
      manifests: ManifestStore;
    },
  ) {
    this.#up = upstream;
    this.#stores = stores;
  }

  /** A manifest by tag or digest, from the upstream or the cache. Throws MANIFEST_UNKNOWN. */
  async manifest(name: string, reference: string): Promise<StoredManifest> {
    const local = this.#stores.manifests;
    if (isDigestReference(reference)) {
      const cached = await local.get(name, reference).catch(() => undefined);
      if (cached) return cached;
    }
    let remote;
    try {
      remote = await this.#up.manifest(name, reference);
    } catch (err) {
      // Upstream down: a cached tag still serves (distribution does the same).
      const cached = await local.get(name, reference).catch(() => undefined);
      if (cached) return cached;
      throw err;
    }
    if (!remote)
      throw new RegistryError("MANIFEST_UNKNOWN", {
        detail: { name, reference },
      });
    const digest = sha256Digest(remote.data);
    if (remote.digest !== undefined && remote.digest !== digest)
      throw new RegistryError("DIGEST_INVALID", {
        message: "upstream manifest digest mismatch",
      });
    await local.put(name, reference, remote.data, remote.mediaType, {
      checkReferences: false,
    });
    return { data: remote.data, digest, mediaType: remote.mediaType };
  }

  /** Caches a blob from the upstream; false when the upstream lacks it. Verifies its digest. */
  async blob(name: string, digest: string): Promise<boolean> {
    const body = await this.#up.blob(name, digest);
    if (!body) return false;
    const uuid = await this.#stores.uploads.start(name);
    try {
      await this.#stores.uploads.append(name, uuid, body);
      await this.#stores.uploads.finish(name, uuid, digest);
    } catch (err) {
      await this.#stores.uploads.cancel(name, uuid).catch(() => undefined);
      throw err;
    }
    return true;
  }
}
