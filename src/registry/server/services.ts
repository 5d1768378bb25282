import type { BlobStore } from "./storage/blobs.ts";
import type { StorageDriver } from "./storage/driver.ts";
import type { ManifestStore } from "./storage/manifests.ts";
import type { UploadStore } from "./storage/uploads.ts";
import type { PullThrough } from "./proxy/pull-through.ts";

/** Storage switches and limits handlers enforce (from the config). */
export type Policy = {
  /** Deleting blobs and manifests is allowed (storage.delete.enabled). */
  deleteEnabled: boolean;
  /** Every write answers 405 UNSUPPORTED (storage.maintenance.readonly). */
  readOnly: boolean;
  /** Largest manifest accepted for a repository, in bytes. */
  manifestLimit(name: string): number;
};

/** What the route handlers work on: the stores over one driver, and the policy. */
export type Services = {
  driver: StorageDriver;
  blobs: BlobStore;
  uploads: UploadStore;
  manifests: ManifestStore;
  policy: Policy;
  /** Set in proxy mode: where misses are fetched from. */
  proxy?: PullThrough;
};
