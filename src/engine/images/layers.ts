import { randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { chainIds, sha256Digest, type Digest } from "../../oci/digest.ts";
import type { LayerStore } from "../../storage/layers/layer-store.ts";
import { InvalidArgumentError } from "../../util/errors.ts";
import { fault } from "../../util/fault.ts";
import type { ImageStore, LayerRecord } from "./store.ts";

/** Snapshot keys of layers being unpacked; leftovers of a crash are removed at start. */
export const EXTRACT_PREFIX = "extract-";

/** What layer bookkeeping needs. */
export type LayerDeps = { store: ImageStore; layers: LayerStore };

/**
 * Unpacks one layer tar over parent and commits it under its chain id; the
 * uncompressed tar is kept in the content store under its diffId (for save).
 * With `expected`, a different diffId is refused (InvalidArgumentError) and
 * nothing is kept. When the chain already exists the new copy is dropped.
 * `tarFile`: the tar is that uncompressed file (load's unpacked archive); it
 * is hard-linked into the content store instead of copied.
 */
export async function unpackLayer(
  deps: LayerDeps,
  parent: LayerRecord | undefined,
  tar: Readable,
  expected?: Digest,
  blob?: LayerRecord["blob"],
  tarFile?: string,
): Promise<{ record: LayerRecord; created: boolean }> {
  const key = `${EXTRACT_PREFIX}${randomBytes(8).toString("hex")}`;
  // A pulled layer's tar is not kept: its compressed blob already is.
  const writer =
    blob || tarFile ? undefined : await deps.store.content.writer();
  let committed = false;
  try {
    await deps.layers.prepare(key, parent ? { parent: parent.chainId } : {});
    const r = await deps.layers.apply(
      key,
      tar,
      writer ? { tee: (c) => writer.write(c) } : {},
    );
    // Test-only crash points (util/fault.ts): an applied extract-* snapshot, a committed orphan.
    fault("layer:applied");
    const { chainId, existing } = await chainOf(deps, parent, r, expected);
    if (existing) return { record: existing, created: false };
    await writer?.commit({ digest: r.diffId });
    if (tarFile && !blob)
      await deps.store.content.adopt(tarFile, {
        digest: r.diffId,
        size: r.tarSize,
      });
    const record: LayerRecord = {
      chainId,
      diffId: r.diffId,
      size: r.size,
      tarSize: r.tarSize,
    };
    if (parent) record.parent = parent.chainId;
    if (blob) record.blob = blob;
    await deps.layers.commit(chainId, key);
    committed = true;
    await deps.store.layers.put(chainId.slice(7), record);
    fault("layer:committed");
    return { record, created: true };
  } finally {
    await writer?.abort();
    if (!committed) await deps.layers.remove(key).catch(() => undefined);
  }
}

/**
 * The chain id of an applied layer over parent, after checking its diffId
 * against `expected` (the image config's; InvalidArgumentError when it
 * differs), with the record of that chain when it already exists.
 */
export async function chainOf(
  deps: LayerDeps,
  parent: LayerRecord | undefined,
  applied: { diffId: Digest },
  expected: Digest | undefined,
): Promise<{ chainId: Digest; existing?: LayerRecord }> {
  const diffId = applied.diffId;
  if (expected !== undefined && diffId !== expected)
    throw new InvalidArgumentError(
      `invalid diffID for layer: expected ${JSON.stringify(expected)}, got ${JSON.stringify(diffId)}`,
    );
  const chainId = parent ? sha256Digest(`${parent.chainId} ${diffId}`) : diffId;
  const existing = await deps.store.layers.get(chainId.slice(7));
  if (existing && (await deps.layers.stat(chainId)))
    return { chainId, existing };
  return { chainId };
}

/** The chain ids of an image's layers, bottom first. */
export function imageChainIds(deps: LayerDeps, imageId: Digest): Digest[] {
  return chainIds(deps.store.config(imageId).rootfs.diff_ids);
}

/**
 * Removes the layers of a chain (top first) that no image uses and no
 * snapshot (container) sits on; removes their tar blobs when no other layer
 * shares the diffId. Returns the removed chain ids, top first.
 */
export async function releaseLayers(
  deps: LayerDeps,
  chain: Digest[],
): Promise<Digest[]> {
  const used = new Set<Digest>();
  for (const id of deps.store.ids())
    for (const c of imageChainIds(deps, id)) used.add(c);
  const removed: Digest[] = [];
  for (const chainId of [...chain].reverse()) {
    if (used.has(chainId)) break;
    const children = (await deps.layers.list()).filter(
      (s) => s.parent === chainId,
    );
    if (children.length > 0) break;
    const rec = await deps.store.layers.get(chainId.slice(7));
    await deps.layers.remove(chainId);
    await deps.store.layers.remove(chainId.slice(7));
    if (rec) {
      const shared = (await deps.store.layers.list()).some(
        ([, l]) => l.diffId === rec.diffId,
      );
      if (!shared) await deps.store.content.remove(rec.diffId);
      const blobShared = (await deps.store.layers.list()).some(
        ([, l]) => l.blob?.digest === rec.blob?.digest,
      );
      if (rec.blob && !blobShared)
        await deps.store.content.remove(rec.blob.digest);
    }
    removed.push(chainId);
  }
  return removed;
}

/** Sum of the sizes of an image's layers (Docker's image Size). */
export async function imageSize(
  deps: LayerDeps,
  imageId: Digest,
): Promise<number> {
  let size = 0;
  for (const c of imageChainIds(deps, imageId))
    size += (await deps.store.layers.get(c.slice(7)))?.size ?? 0;
  return size;
}

/**
 * The uncompressed tar of a layer and its size: the kept tar, or the
 * pulled blob through gunzip. Throws NotFoundError when neither is there.
 */
export async function layerTar(
  deps: LayerDeps,
  record: LayerRecord,
): Promise<{ stream: Readable; size: number }> {
  if (!record.blob || (await deps.store.content.exists(record.diffId)))
    return {
      stream: await deps.store.content.readStream(record.diffId),
      size: record.tarSize,
    };
  const file = await deps.store.content.readStream(record.blob.digest);
  if (!isGzipLayer(record.blob.mediaType))
    return { stream: file, size: record.tarSize };
  const gunzip = createGunzip({ chunkSize: 256 << 10 });
  file.on("error", (err) => gunzip.destroy(err));
  return { stream: file.pipe(gunzip), size: record.tarSize };
}

/** True for the gzip layer media types (Docker's and OCI's). */
export function isGzipLayer(mediaType: string): boolean {
  return mediaType.endsWith("gzip");
}

/**
 * Removes what a crash left of layer work: snapshots still named
 * extract-*, committed snapshots with no layer record, and committed
 * layers no image uses and nothing sits on (a pull or load cut short).
 * Returns how many were removed.
 */
export async function sweepLayers(deps: LayerDeps): Promise<number> {
  let swept = 0;
  for (const s of await deps.layers.list())
    if (s.name.startsWith(EXTRACT_PREFIX)) {
      await deps.layers.remove(s.name);
      swept++;
    }
  swept += await sweepUnrecorded(deps);
  const used = new Set<Digest>();
  for (const id of deps.store.ids())
    for (const c of imageChainIds(deps, id)) used.add(c);
  const records = await deps.store.layers.list();
  const parents = new Set(
    (await deps.layers.list()).map((s) => s.parent).filter(Boolean),
  );
  for (const [, rec] of records) {
    if (used.has(rec.chainId) || parents.has(rec.chainId)) continue;
    // Tops of unused chains: releaseLayers walks down while nothing else uses them.
    const chain: Digest[] = [];
    let cur: LayerRecord | undefined = rec;
    while (cur) {
      chain.unshift(cur.chainId);
      cur = cur.parent
        ? records.find(([, r]) => r.chainId === cur!.parent)?.[1]
        : undefined;
    }
    swept += (await releaseLayers(deps, chain)).length;
  }
  return swept;
}

/**
 * Committed snapshots that no layer record names: a crash between a
 * layer's commit and its record (unpackLayer, attach, commit) leaves one.
 * Only the image engine commits snapshots, always under a chain id, so
 * every other one is such a leftover; tops go first, until none is left.
 */
async function sweepUnrecorded(deps: LayerDeps): Promise<number> {
  const recorded = new Set<string>();
  for (const [, rec] of await deps.store.layers.list()) {
    recorded.add(rec.chainId);
    recorded.add(rec.chainId.slice(7));
  }
  let swept = 0;
  for (;;) {
    const all = await deps.layers.list();
    const parents = new Set(all.map((s) => s.parent).filter(Boolean));
    const tops = all.filter(
      (s) =>
        s.kind === "committed" && !recorded.has(s.name) && !parents.has(s.name),
    );
    if (tops.length === 0) return swept;
    for (const s of tops) await deps.layers.remove(s.name);
    swept += tops.length;
  }
}
