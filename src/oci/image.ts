import type { Digest } from "./digest.ts";

/**
 * The image model of the OCI image spec (descriptor.md, manifest.md,
 * image-index.md, config.md). Docker's schema 2 documents have the same
 * shapes with other media types (see media-types.ts).
 */

/** A pointer to content: media type, digest and size in bytes. */
export type Descriptor = {
  mediaType: string;
  digest: Digest;
  size: number;
  annotations?: Record<string, string>;
  platform?: Platform;
  urls?: string[];
};

/** The platform an image runs on (image-index.md#platform). */
export type Platform = {
  architecture: string;
  os: string;
  "os.version"?: string;
  "os.features"?: string[];
  variant?: string;
};

/** A single-platform manifest: one config plus layers, bottom first. */
export type ImageManifest = {
  schemaVersion: 2;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
};

/** An index (manifest list): manifests for several platforms. */
export type ImageIndex = {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
};

/** The runtime defaults of an image (config.md#properties, field "config"). */
export type ContainerConfig = {
  User?: string;
  ExposedPorts?: Record<string, object>;
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Volumes?: Record<string, object>;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
  ArgsEscaped?: boolean;
  // Docker extensions beyond the OCI spec:
  Shell?: string[];
  Healthcheck?: {
    Test?: string[];
    Interval?: number;
    Timeout?: number;
    StartPeriod?: number;
    StartInterval?: number;
    Retries?: number;
  };
  OnBuild?: string[] | null;
};

/** One history entry of an image config (config.md#properties, "history"). */
export type HistoryEntry = {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
};

/**
 * An image configuration. Its sha256 digest is the image id. Unknown fields
 * (Docker's "container", "docker_version", …) are kept when read back.
 */
export type ImageConfig = {
  created?: string;
  author?: string;
  architecture: string;
  os: string;
  variant?: string;
  "os.version"?: string;
  config?: ContainerConfig;
  rootfs: { type: "layers"; diff_ids: Digest[] };
  history?: HistoryEntry[];
  // Docker-only fields.
  comment?: string;
  docker_version?: string;
  parent?: string;
  [extra: string]: unknown;
};
