/**
 * Media types of the OCI image spec (media-types.md) and of Docker's image
 * manifest v2 schema 2, which registries and `docker save` still use.
 */
export const MediaTypes = {
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociConfig: "application/vnd.oci.image.config.v1+json",
  ociLayer: "application/vnd.oci.image.layer.v1.tar",
  ociLayerGzip: "application/vnd.oci.image.layer.v1.tar+gzip",
  ociLayerZstd: "application/vnd.oci.image.layer.v1.tar+zstd",
  dockerManifestList:
    "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerConfig: "application/vnd.docker.container.image.v1+json",
  dockerLayer: "application/vnd.docker.image.rootfs.diff.tar",
  dockerLayerGzip: "application/vnd.docker.image.rootfs.diff.tar.gzip",
  dockerForeignLayerGzip:
    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
} as const;

/** True for a manifest list or OCI index. */
export function isIndexMediaType(mediaType: string): boolean {
  return (
    mediaType === MediaTypes.ociIndex ||
    mediaType === MediaTypes.dockerManifestList
  );
}

/** True for a single-platform image manifest (OCI or Docker schema 2). */
export function isManifestMediaType(mediaType: string): boolean {
  return (
    mediaType === MediaTypes.ociManifest ||
    mediaType === MediaTypes.dockerManifest
  );
}

/** True for a layer media type (tar, optionally gzip or zstd compressed). */
export function isLayerMediaType(mediaType: string): boolean {
  return (
    mediaType.startsWith("application/vnd.oci.image.layer.") ||
    mediaType.startsWith("application/vnd.docker.image.rootfs.")
  );
}
