import type { Digest } from "../../../oci/digest.ts";
import type { StorageDriver } from "./driver.ts";
import type { BlobStore } from "./blobs.ts";
import { parseManifest } from "./manifest-parse.ts";
import { referrersDir, revisionLinkPath } from "./paths.ts";

/** A referrer as the referrers API lists it (an image-spec descriptor). */
export type ReferrerDescriptor = {
  mediaType: string;
  digest: Digest;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
};

/**
 * The manifests in a repository whose `subject` is `subject`, optionally
 * only those of one artifactType (spec.md "Listing Referrers"). The subject
 * itself need not exist. Sorted by digest, so pages are stable.
 */
export async function listReferrers(
  driver: StorageDriver,
  blobs: BlobStore,
  options: { name: string; subject: Digest; artifactType?: string },
): Promise<ReferrerDescriptor[]> {
  const out: ReferrerDescriptor[] = [];
  for (const hex of await driver.list(
    referrersDir(options.name, options.subject),
  )) {
    const digest = `sha256:${hex}`;
    if (!(await driver.stat(revisionLinkPath(options.name, digest)))) continue;
    const data = await blobs.read(digest).catch(() => undefined);
    if (!data) continue;
    const m = parseManifest(data, undefined);
    if (
      options.artifactType !== undefined &&
      m.artifactType !== options.artifactType
    )
      continue;
    const d: ReferrerDescriptor = {
      mediaType: m.mediaType,
      digest,
      size: data.length,
    };
    if (m.artifactType !== undefined) d.artifactType = m.artifactType;
    if (m.annotations !== undefined) d.annotations = m.annotations;
    out.push(d);
  }
  return out;
}
