import type { Digest } from "../../oci/digest.ts";
import type { LayerDeps } from "./layers.ts";

/**
 * Removes content blobs that nothing names: not an image's config, not a
 * layer's kept tar (diffId) and not a layer's pulled or pushed blob. Only a
 * crash leaves such blobs (a pull, load, import or commit killed between
 * writing a blob and recording who uses it), so ImageService.init runs this
 * once, after sweepLayers and before any request. Returns how many went.
 */
export async function sweepBlobs(deps: LayerDeps): Promise<number> {
  const named = new Set<Digest>(deps.store.ids());
  for (const [, rec] of await deps.store.layers.list()) {
    named.add(rec.diffId);
    if (rec.blob) named.add(rec.blob.digest);
  }
  const orphans: Digest[] = [];
  for await (const d of deps.store.content.digests())
    if (!named.has(d)) orphans.push(d);
  for (const d of orphans) await deps.store.content.remove(d);
  return orphans.length;
}
