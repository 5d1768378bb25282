/**
 * What the rest of the engine (containers, builder, system) needs from
 * images. ImageService implements it; engine kinds to the right of images
 * depend on this interface only, through images/index.ts.
 */
import type { Readable } from "node:stream";
import type { ContainerConfig } from "../../oci/image.ts";
import type { IdMappings } from "../../oci/id-mapping.ts";
import type { CommitOptions } from "./commit.ts";

/** The runtime part of an image config, with Docker's field names: the OCI model's ContainerConfig. */
export type ImageRuntimeConfig = ContainerConfig;

/** An image as containers see it. */
export type ResolvedImage = {
  /** "sha256:<64 hex>": the digest of the image config. */
  id: string;
  repoTags: string[];
  config: ImageRuntimeConfig;
  /** Chain id of the top layer, undefined for an image with no layers. */
  topChainId: string | undefined;
  /** "os/architecture[/variant]" from the image config; absent when unknown. */
  platform?: string;
};

/** Paths of a container's overlay rootfs, for inspect's GraphDriver. */
export type RootfsPaths = {
  lowerDir: string;
  upperDir: string;
  workDir: string;
  mergedDir: string;
};

/**
 * The image-side contract used by containers. Keys are container ids.
 * All methods throw taxonomy errors from util/errors.ts.
 */
export interface ImageProvider {
  /** Resolves a reference, full or short id. Throws NotFoundError("No such image: <ref>"). */
  resolve(ref: string): Promise<ResolvedImage>;
  /** Creates the writable layer for key on top of the image. Idempotent for an existing key. */
  prepareRootfs(key: string, imageId: string): Promise<RootfsPaths>;
  /**
   * Mounts the overlay for key (no-op if mounted); returns the merged dir.
   * `idmap`: the container's user-namespace mapping (its layers are seen
   * owned through it, its top directory owned by the mapped root).
   * `volatile`: the layer goes with its run (AutoRemove), so it need not
   * survive a crash (storage/layers' MountOptions).
   */
  mountRootfs(
    key: string,
    options?: { idmap?: IdMappings; volatile?: boolean },
  ): Promise<string>;
  /** Unmounts key's overlay; no-op if not mounted. */
  unmountRootfs(key: string): Promise<void>;
  /** Unmounts and removes key's writable layer; no-op if unknown. */
  removeRootfs(key: string): Promise<void>;
  /** Bytes used by key's writable layer (for ps -s / SizeRw). */
  rootfsUsage(key: string): Promise<number>;
  /** Paths of key's layer, or undefined when unknown. */
  rootfsPaths(key: string): Promise<RootfsPaths | undefined>;
  /**
   * key's own changes as a layer tar with whiteouts; `skip` leaves out
   * absolute paths and what is below; `idmap` (the container's mapping)
   * turns host owners back into the container's ids, as dockerd's layers
   * of a remapped container hold them.
   */
  rootfsDiff(
    key: string,
    options: { skip: (path: string) => boolean; idmap?: IdMappings },
  ): Promise<Readable>;
  /**
   * Makes an image from a layer tar over options.parentImageId and tags it
   * when options.repo is set (docker commit). Returns the image id. Throws
   * InvalidArgumentError for a bad repo/tag before reading the tar.
   */
  commit(tar: Readable, options: CommitOptions): Promise<string>;
}
