import type { Digest } from "../../../oci/digest.ts";
import { MediaTypes } from "../../../oci/media-types.ts";
import { RegistryError } from "../../protocol/errors.ts";

/** What the registry needs to know about a manifest body. */
export type ParsedManifest = {
  mediaType: string;
  /** Config and layers it names (blobs that must be in the repository). */
  blobs: Digest[];
  /** Child manifests of an index (must be in the repository). */
  manifests: Digest[];
  subject?: Digest;
  artifactType?: string;
  annotations?: Record<string, string>;
};

/** Media types the registry accepts as manifests. */
const accepted = new Set<string>([
  MediaTypes.ociManifest,
  MediaTypes.ociIndex,
  MediaTypes.dockerManifest,
  MediaTypes.dockerManifestList,
]);

type Descriptor = { mediaType?: unknown; digest?: unknown; urls?: unknown };
type Body = {
  mediaType?: unknown;
  schemaVersion?: unknown;
  config?: Descriptor;
  layers?: Descriptor[];
  manifests?: Descriptor[];
  subject?: Descriptor;
  artifactType?: unknown;
  annotations?: unknown;
};

/**
 * Parses a manifest body. `contentType` is the request's Content-Type on a
 * PUT (undefined when reading back a stored manifest): it must be a
 * manifest type and agree with the body's own mediaType.
 * Throws MANIFEST_INVALID.
 */
export function parseManifest(
  data: Buffer,
  contentType: string | undefined,
): ParsedManifest {
  let body: Body;
  try {
    body = JSON.parse(data.toString("utf8")) as Body;
  } catch {
    throw invalid("manifest is not valid JSON");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw invalid("manifest is not a JSON object");
  if (body.schemaVersion !== 2)
    throw invalid("unsupported manifest schemaVersion");
  const declared =
    typeof body.mediaType === "string" ? body.mediaType : undefined;
  const type = (contentType ?? "").split(";")[0]?.trim() || undefined;
  const mediaType =
    declared ??
    type ??
    (Array.isArray(body.manifests)
      ? MediaTypes.ociIndex
      : MediaTypes.ociManifest);
  if (contentType !== undefined) {
    if (!accepted.has(mediaType))
      throw invalid(`unsupported manifest media type ${mediaType}`);
    if (declared !== undefined && type !== undefined && declared !== type)
      throw invalid(
        `mediaType ${declared} does not match Content-Type ${type}`,
      );
  }
  const isIndex =
    mediaType === MediaTypes.ociIndex ||
    mediaType === MediaTypes.dockerManifestList;
  const out: ParsedManifest = { mediaType, blobs: [], manifests: [] };
  if (isIndex) {
    if (!Array.isArray(body.manifests))
      throw invalid("index without manifests");
    out.manifests = body.manifests.map(descriptorDigest);
  } else {
    if (body.config === undefined || typeof body.config !== "object")
      throw invalid("manifest without config");
    if (!Array.isArray(body.layers)) throw invalid("manifest without layers");
    out.blobs.push(descriptorDigest(body.config));
    // Non-distributable layers with urls live elsewhere (image-spec descriptor.md#urls).
    for (const l of body.layers)
      if (!Array.isArray(l.urls) || l.urls.length === 0)
        out.blobs.push(descriptorDigest(l));
    if (typeof body.config.mediaType === "string")
      out.artifactType = body.config.mediaType;
  }
  if (typeof body.artifactType === "string")
    out.artifactType = body.artifactType;
  if (body.subject !== undefined) out.subject = descriptorDigest(body.subject);
  if (typeof body.annotations === "object" && body.annotations !== null)
    out.annotations = body.annotations as Record<string, string>;
  return out;
}

function descriptorDigest(d: Descriptor | undefined): Digest {
  if (typeof d !== "object" || d === null || typeof d.digest !== "string")
    throw invalid("descriptor without digest");
  return d.digest;
}

function invalid(message: string): RegistryError {
  return new RegistryError("MANIFEST_INVALID", { message });
}
