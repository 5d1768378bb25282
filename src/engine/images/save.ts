import type { Readable } from "node:stream";
import { PassThrough } from "node:stream";
import tar, { type Pack } from "tar-stream";
import { chainIds, sha256Digest, type Digest } from "../../oci/digest.ts";
import type { ImageIndex, ImageManifest } from "../../oci/image.ts";
import { MediaTypes } from "../../oci/media-types.ts";
import {
  familiarName,
  familiarString,
  referenceString,
  type Reference,
} from "../../oci/reference.ts";
import type { EventBus } from "../events/index.ts";
import { layerTar, type LayerDeps } from "./layers.ts";
import type { LayerRecord } from "./store.ts";
import { resolveImage } from "./resolve.ts";

/**
 * Writes images as one tar holding both formats Docker 25+ writes: the OCI
 * image layout (oci-layout, index.json, blobs/sha256/…) and the legacy
 * docker-archive files (manifest.json, repositories) pointing into the same
 * blobs. Layers are stored uncompressed. Names are resolved before the
 * stream starts, so an unknown name throws NotFoundError up front.
 *
 * ```
 * blobs/sha256/<config>  blobs/sha256/<diffId>…  blobs/sha256/<manifest>
 * index.json  manifest.json  oci-layout  repositories
 * ```
 */
export function saveImages(
  deps: LayerDeps & { events: EventBus },
  names: string[],
): Readable {
  const wanted = new Map<Digest, Reference[]>();
  for (const name of names) {
    const { id, ref } = resolveImage(deps.store, name);
    const refs = wanted.get(id) ?? [];
    if (
      ref &&
      ref.tag !== undefined &&
      !refs.some((r) => familiarString(r) === familiarString(ref))
    )
      refs.push(ref);
    wanted.set(id, refs);
  }
  const pack = tar.pack();
  const out = new PassThrough();
  pack.on("error", (err: Error) => out.destroy(err));
  pack.pipe(out);
  writeArchive(deps, pack, wanted).then(
    () => pack.finalize(),
    (err: Error) => pack.destroy(err),
  );
  return out;
}

async function writeArchive(
  deps: LayerDeps & { events: EventBus },
  pack: Pack,
  wanted: Map<Digest, Reference[]>,
): Promise<void> {
  const written = new Set<Digest>();
  const mtime = new Date(0);
  await entry(pack, { name: "blobs/", type: "directory", mode: 0o755, mtime });
  await entry(pack, {
    name: "blobs/sha256/",
    type: "directory",
    mode: 0o755,
    mtime,
  });
  const blob = async (
    digest: Digest,
    data?: Buffer,
    layer?: LayerRecord,
  ): Promise<void> => {
    if (written.has(digest)) return;
    written.add(digest);
    const name = `blobs/sha256/${digest.slice(7)}`;
    if (data) return entry(pack, { name, mode: 0o644, mtime }, data);
    if (!layer)
      throw new Error(
        `save: layer blob ${digest} is missing from the content store`,
      );
    const src = await layerTar(deps, layer);
    await new Promise<void>((resolve, reject) => {
      const sink = pack.entry(
        { name, mode: 0o644, mtime, size: src.size },
        (err) => (err ? reject(err) : resolve()),
      );
      src.stream.on("error", reject).pipe(sink);
    });
  };
  const index: ImageIndex = {
    schemaVersion: 2,
    mediaType: MediaTypes.ociIndex,
    manifests: [],
  };
  const legacy: Array<{
    Config: string;
    RepoTags: string[] | null;
    Layers: string[];
  }> = [];
  const repositories: Record<string, Record<string, string>> = {};
  for (const [id, refs] of wanted) {
    const config = deps.store.config(id);
    await blob(id, await deps.store.content.read(id));
    const layers = [];
    const chain = chainIds(config.rootfs.diff_ids);
    for (const [i, diffId] of config.rootfs.diff_ids.entries()) {
      const layer = await deps.store.layers.get(chain[i]!.slice(7));
      if (!layer)
        throw new Error(`save: layer ${chain[i]!} of ${id} is missing`);
      await blob(diffId, undefined, layer);
      layers.push({
        mediaType: MediaTypes.ociLayer,
        digest: diffId,
        size: layer.tarSize,
      });
    }
    const configSize = (await deps.store.content.info(id))!.size;
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MediaTypes.ociManifest,
      config: { mediaType: MediaTypes.ociConfig, digest: id, size: configSize },
      layers,
    };
    const bytes = Buffer.from(JSON.stringify(manifest));
    const digest = sha256Digest(bytes);
    await blob(digest, bytes);
    const desc = {
      mediaType: MediaTypes.ociManifest,
      digest,
      size: bytes.length,
    };
    if (refs.length === 0) index.manifests.push(desc);
    for (const r of refs)
      index.manifests.push({
        ...desc,
        annotations: {
          "io.containerd.image.name": referenceString(r),
          "org.opencontainers.image.ref.name": r.tag!,
        },
      });
    const top = config.rootfs.diff_ids[config.rootfs.diff_ids.length - 1];
    for (const r of refs)
      if (top) (repositories[familiarName(r)] ??= {})[r.tag!] = top.slice(7);
    legacy.push({
      Config: `blobs/sha256/${id.slice(7)}`,
      // compat: docker save writes null RepoTags for an image saved by id.
      RepoTags: refs.length ? refs.map(familiarString) : null,
      Layers: config.rootfs.diff_ids.map((d) => `blobs/sha256/${d.slice(7)}`),
    });
    deps.events.publish({
      type: "image",
      action: "save",
      id,
      attributes: { name: id },
    });
  }
  await entry(
    pack,
    { name: "index.json", mode: 0o644, mtime },
    Buffer.from(JSON.stringify(index)),
  );
  await entry(
    pack,
    { name: "manifest.json", mode: 0o644, mtime },
    Buffer.from(JSON.stringify(legacy)),
  );
  await entry(
    pack,
    { name: "oci-layout", mode: 0o644, mtime },
    Buffer.from('{"imageLayoutVersion":"1.0.0"}'),
  );
  if (Object.keys(repositories).length)
    await entry(
      pack,
      { name: "repositories", mode: 0o644, mtime },
      Buffer.from(JSON.stringify(repositories)),
    );
}

function entry(
  pack: Pack,
  h: Parameters<Pack["entry"]>[0],
  data: Buffer = Buffer.alloc(0),
): Promise<void> {
  return new Promise((resolve, reject) =>
    pack.entry(h, data, (err) => (err ? reject(err) : resolve())),
  );
}
