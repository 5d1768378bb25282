import { sha256Digest } from "../../oci/digest.ts";
import type { ImageIndex, ImageManifest, Platform } from "../../oci/image.ts";
import { isIndexMediaType } from "../../oci/media-types.ts";
import {
  familiarString,
  withDefaultTag,
  type Reference,
} from "../../oci/reference.ts";
import type { Credentials } from "../../registry/client/auth.ts";
import { readBody } from "../../registry/client/http.ts";
import { fetchManifest } from "../../registry/client/manifests.ts";
import type { RegistryClient } from "../../registry/client/registry-client.ts";
import { NotFoundError } from "../../util/errors.ts";

/** GET /distribution/{name}/json: the manifest's descriptor and the platforms it serves. */
export type DistributionInspect = {
  Descriptor: { mediaType: string; digest: string; size: number };
  Platforms: Platform[];
};

/** Image configs are read only for their platform fields (moby caps them at 8 MiB too). */
const MAX_CONFIG_SIZE = 8 * 1024 * 1024;

/**
 * Resolves a reference on its registry without pulling, as moby's
 * getDistributionInfo: the descriptor of the manifest or index the tag
 * (default "latest") or digest names, and its platforms: every entry of
 * an index, or the image config's os/architecture for a single manifest.
 * Throws NotFoundError for an unknown manifest; registry errors pass
 * through.
 */
export async function inspectDistribution(
  registry: RegistryClient,
  named: Reference,
  options: { credentials: Credentials; signal?: AbortSignal },
): Promise<DistributionInspect> {
  const ref = withDefaultTag(named);
  const sig = options.signal ? { signal: options.signal } : {};
  const repo = await registry.repository(ref.domain, ref.path, {
    credentials: options.credentials,
    ...sig,
  });
  let m;
  try {
    m = await fetchManifest(repo, ref.digest ?? ref.tag ?? "latest", sig);
  } catch (err) {
    if ((err as Error).name === "ManifestUnknownError")
      throw new NotFoundError(
        `manifest for ${familiarString(ref)} not found: ${(err as Error).message}`,
      );
    throw err;
  }
  const out: DistributionInspect = {
    Descriptor: {
      mediaType: m.mediaType,
      digest: m.digest,
      size: m.bytes.length,
    },
    Platforms: [],
  };
  const doc = JSON.parse(m.bytes.toString()) as Partial<
    ImageIndex & ImageManifest
  >;
  if (isIndexMediaType(m.mediaType)) {
    for (const d of doc.manifests ?? [])
      out.Platforms.push(platformOf(d.platform ?? {}));
    return out;
  }
  const config = doc.config?.digest;
  if (!config) return out;
  // compat: moby leaves Platforms empty when the config cannot be read.
  try {
    const bytes = await readBody(
      await repo.blob(config, sig.signal),
      MAX_CONFIG_SIZE,
    );
    if (sha256Digest(bytes) !== config) return out;
    const p = platformOf(JSON.parse(bytes.toString()) as object);
    if (p.os !== "" || p.architecture !== "") out.Platforms.push(p);
  } catch {
    // as above
  }
  return out;
}

/** The OCI platform fields of an object, in Go's field order, empty ones left out but os/architecture. */
function platformOf(raw: object): Platform {
  const r = raw as Record<string, unknown>;
  const str = (k: string): string => (typeof r[k] === "string" ? r[k] : "");
  const p: Platform = { architecture: str("architecture"), os: str("os") };
  if (str("os.version")) p["os.version"] = str("os.version");
  if (Array.isArray(r["os.features"]) && r["os.features"].length > 0)
    p["os.features"] = r["os.features"] as string[];
  if (str("variant")) p.variant = str("variant");
  return p;
}
