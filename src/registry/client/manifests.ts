import { sha256Digest, type Digest } from "../../oci/digest.ts";
import { MediaTypes } from "../../oci/media-types.ts";
import { RegistryResponseError } from "../protocol/errors.ts";
import { BodyTooLargeError, readBody, responseError } from "./http.ts";
import type { RepositoryClient } from "./repository.ts";

/** compat: moby refuses manifests over 4 MiB (distribution/manifest.go maxManifestBodySize). */
export const MAX_MANIFEST_SIZE = 4 * 1024 * 1024;

/** The media types a pull accepts, most specific first (no schema 1). */
export const MANIFEST_ACCEPT = [
  MediaTypes.ociIndex,
  MediaTypes.dockerManifestList,
  MediaTypes.ociManifest,
  MediaTypes.dockerManifest,
];

const SCHEMA1 = new Set([
  "application/vnd.docker.distribution.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v1+prettyjws",
]);

/** A manifest or index as fetched: its exact bytes, media type and digest. */
export type FetchedManifest = {
  bytes: Buffer;
  mediaType: string;
  digest: Digest;
};

/** The manifest was not found (404 MANIFEST_UNKNOWN / NAME_UNKNOWN). */
export class ManifestUnknownError extends Error {
  override name = "ManifestUnknownError";
}

/** The registry sent a manifest this client will not use (schema 1, too big, bad digest). */
export class ManifestRefusedError extends Error {
  override name = "ManifestRefusedError";
}

/**
 * Fetches a manifest by tag or digest with content negotiation. The bytes
 * are checked against the digest asked for (or the registry's
 * Docker-Content-Digest header). Throws ManifestUnknownError (with the
 * registry's text), ManifestRefusedError, RegistryResponseError.
 */
export async function fetchManifest(
  repo: RepositoryClient,
  reference: string,
  options: { signal?: AbortSignal } = {},
): Promise<FetchedManifest> {
  const res = await repo.send({
    method: "GET",
    url: repo.url(`manifests/${reference}`),
    headers: { accept: MANIFEST_ACCEPT.join(", ") },
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (res.statusCode !== 200) {
    const err = await responseError(res);
    if (res.statusCode === 404) throw new ManifestUnknownError(err.message);
    throw err;
  }
  let bytes: Buffer;
  try {
    bytes = await readBody(res, MAX_MANIFEST_SIZE);
  } catch (err) {
    if (err instanceof BodyTooLargeError)
      throw new ManifestRefusedError(
        `manifest too large: over the limit of ${MAX_MANIFEST_SIZE} bytes`,
      );
    throw err;
  }
  const digest = sha256Digest(bytes);
  const wanted = reference.includes(":")
    ? reference
    : (res.headers["docker-content-digest"] as string | undefined);
  if (wanted !== undefined && wanted.startsWith("sha256:") && wanted !== digest)
    throw new ManifestRefusedError(
      `manifest verification failed for digest ${wanted}`,
    );
  let mediaType = String(res.headers["content-type"] ?? "")
    .split(";")[0]!
    .trim();
  try {
    const doc = JSON.parse(bytes.toString()) as {
      mediaType?: string;
      schemaVersion?: number;
      manifests?: unknown;
    };
    if (doc.schemaVersion === 1)
      mediaType = "application/vnd.docker.distribution.manifest.v1+json";
    else if (doc.mediaType) mediaType = doc.mediaType;
    else if (
      !MANIFEST_ACCEPT.includes(mediaType as (typeof MANIFEST_ACCEPT)[number])
    )
      mediaType = doc.manifests ? MediaTypes.ociIndex : MediaTypes.ociManifest;
  } catch {
    throw new ManifestRefusedError("invalid manifest: not JSON");
  }
  if (SCHEMA1.has(mediaType))
    throw new ManifestRefusedError(
      `[DEPRECATION NOTICE] Docker Image Format v1 and Docker Image manifest version 2, schema 1 support has been removed. Suggest the author of ${repo.path}:${reference} to upgrade the image to the OCI Format or Docker Image manifest v2, schema 2. More information at https://docs.docker.com/go/deprecated-image-specs/`,
    );
  return { bytes, mediaType, digest };
}

/** Uploads a manifest under a tag or digest; returns the digest the registry reports. */
export async function putManifest(
  repo: RepositoryClient,
  reference: string,
  manifest: { bytes: Buffer; mediaType: string },
  options: { signal?: AbortSignal } = {},
): Promise<Digest> {
  const res = await repo.expect(
    {
      method: "PUT",
      url: repo.url(`manifests/${reference}`),
      headers: {
        "content-type": manifest.mediaType,
        "content-length": String(manifest.bytes.length),
      },
      body: manifest.bytes,
      ...(options.signal ? { signal: options.signal } : {}),
    },
    [200, 201, 202],
  );
  res.resume();
  const digest = sha256Digest(manifest.bytes);
  const reported = res.headers["docker-content-digest"];
  if (typeof reported === "string" && reported !== digest)
    throw new RegistryResponseError(
      `registry reported digest ${reported} for a manifest whose digest is ${digest}`,
      res.statusCode ?? 0,
      [],
    );
  return digest;
}
