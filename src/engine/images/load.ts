import { createReadStream } from "node:fs";
import { mkdir, open, readFile, rm } from "node:fs/promises";
import { hostPlatform } from "../../registry/client/platform.ts";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import { chainIds, sha256Digest, type Digest } from "../../oci/digest.ts";
import type {
  Descriptor,
  ImageConfig,
  ImageIndex,
  ImageManifest,
} from "../../oci/image.ts";
import { isIndexMediaType } from "../../oci/media-types.ts";
import {
  familiarString,
  withDefaultTag,
  type Reference,
} from "../../oci/reference.ts";
import { applyTar } from "../../storage/archive/apply.ts";
import {
  memberComponents,
  resolveDirInRoot,
} from "../../storage/archive/scoped-path.ts";
import { InvalidArgumentError, isErrno } from "../../util/errors.ts";
import type { EventBus } from "../events/index.ts";
import { releaseLayers, unpackLayer, type LayerDeps } from "./layers.ts";
import { deleteImage, type UsageCheck } from "./remove.ts";
import { parseRef } from "./resolve.ts";
import type { LayerRecord } from "./store.ts";

/** One image found in an archive: paths relative to the archive root. */
type Entry = { config: string; layers: string[]; tags: Reference[] };

/** What loading needs. */
export type LoadDeps = LayerDeps & {
  events: EventBus;
  usage: UsageCheck;
  tmpDir: string;
  tag: (ref: Reference, id: Digest) => Promise<Digest | undefined>;
  /** Loads only the images whose config it accepts (load's `platform`). */
  keep?: (config: ImageConfig) => boolean;
};

/**
 * Loads a docker-archive or OCI-layout tar (plain or gzip), as `docker load`.
 * The archive is unpacked to a temp dir (refusing `../` and absolute member
 * names), every layer's diffId is checked against the config, and names are
 * set only when every image loaded. On any failure everything this call
 * added is removed again. Returns the lines Docker prints
 * ("Loaded image: busybox:latest").
 */
export async function loadImages(
  deps: LoadDeps,
  body: Readable,
): Promise<string[]> {
  const tmp = join(deps.tmpDir, `load-${randomBytes(8).toString("hex")}`);
  await mkdir(tmp, { recursive: true, mode: 0o700 });
  const createdImages: Digest[] = [];
  const createdChains: Digest[][] = [];
  try {
    // The archive is no layer: its digest is never used.
    await applyTar(body, tmp, { whiteouts: "delete", digest: false });
    const entries = await readEntries(tmp);
    const loaded: Array<{ id: Digest; tags: Reference[] }> = [];
    for (const e of entries) {
      const bytes = await readFile(await inRoot(tmp, e.config));
      const id = sha256Digest(bytes);
      const config = JSON.parse(bytes.toString()) as ImageConfig;
      if (deps.keep && !deps.keep(config)) continue;
      const diffIds = config.rootfs?.diff_ids ?? [];
      if (diffIds.length !== e.layers.length)
        throw new InvalidArgumentError(
          `invalid manifest, layers length mismatch: expected ${diffIds.length}, got ${e.layers.length}`,
        );
      const chain = chainIds(diffIds);
      createdChains.push(chain);
      let parent: LayerRecord | undefined;
      for (let i = 0; i < chain.length; i++) {
        const have = await deps.store.layers.get(chain[i]!.slice(7));
        if (have && (await deps.layers.stat(chain[i]!))) parent = have;
        else {
          const file = await inRoot(tmp, e.layers[i]!);
          // An uncompressed layer file is linked into the content store as
          // it is (no second copy of its bytes); a compressed one is stored
          // as the tar it decompresses to.
          const plain = !(await isCompressed(file));
          parent = (
            await unpackLayer(
              deps,
              parent,
              createReadStream(file, { highWaterMark: 1 << 20 }),
              diffIds[i],
              undefined,
              plain ? file : undefined,
            )
          ).record;
        }
      }
      if (!deps.store.record(id)) {
        await deps.store.content.put(bytes, id);
        await deps.store.add({ id }, config);
        createdImages.push(id);
      }
      loaded.push({ id, tags: e.tags });
    }
    return await nameImages(deps, loaded);
  } catch (err) {
    for (const id of createdImages)
      await deleteImage({ ...deps }, id).catch(() => undefined);
    for (const chain of createdChains)
      await releaseLayers(deps, chain).catch(() => undefined);
    throw err;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function nameImages(
  deps: LoadDeps,
  loaded: Array<{ id: Digest; tags: Reference[] }>,
): Promise<string[]> {
  const lines: string[] = [];
  for (const { id, tags } of loaded) {
    deps.events.publish({
      type: "image",
      action: "load",
      id,
      attributes: { name: id },
    });
    if (tags.length === 0) lines.push(`Loaded image ID: ${id}\n`);
    for (const ref of tags) {
      const old = await deps.tag(ref, id);
      // compat: moby's wording when a load moves a tag away from another image.
      if (old && deps.store.refsOf(old).length === 0)
        lines.push(
          `The image ${familiarString(ref)} already exists, renaming the old one with ID ${old} to empty string\n`,
        );
      lines.push(`Loaded image: ${familiarString(ref)}\n`);
    }
  }
  return lines;
}

/** True when a file starts with the gzip, zstd, bzip2 or xz magic. */
async function isCompressed(path: string): Promise<boolean> {
  const fh = await open(path, "r");
  try {
    const b = Buffer.alloc(6);
    const { bytesRead } = await fh.read(b, 0, 6, 0);
    const head = b.subarray(0, bytesRead);
    return [
      [0x1f, 0x8b],
      [0x28, 0xb5, 0x2f, 0xfd],
      [0x42, 0x5a, 0x68],
      [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00],
    ].some((m) => m.every((x, i) => head[i] === x));
  } finally {
    await fh.close();
  }
}

/** Opens a member of the unpacked archive without following links out of it. */
async function inRoot(root: string, rel: string): Promise<string> {
  return resolveDirInRoot(root, memberComponents(rel), {
    create: false,
    file: true,
  });
}

async function readJson<T>(root: string, rel: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(await inRoot(root, rel), "utf8")) as T;
  } catch (err) {
    if (isErrno(err, "ENOENT")) return undefined;
    if (err instanceof SyntaxError)
      throw new InvalidArgumentError(`invalid ${rel}: ${err.message}`);
    throw err;
  }
}

/** Lists the images of a docker-archive (manifest.json) or, failing that, an OCI layout (index.json). */
async function readEntries(root: string): Promise<Entry[]> {
  const legacy = await readJson<
    Array<{ Config: string; RepoTags?: string[] | null; Layers: string[] }>
  >(root, "manifest.json");
  if (legacy)
    return legacy.map((m) => ({
      config: m.Config,
      layers: m.Layers,
      tags: (m.RepoTags ?? []).map((t) => withDefaultTag(parseRef(t))),
    }));
  const index = await readJson<ImageIndex>(root, "index.json");
  if (!index)
    throw new InvalidArgumentError(
      "invalid archive: neither manifest.json nor index.json found",
    );
  const out: Entry[] = [];
  for (const desc of index.manifests ?? []) {
    const manifest = await pickManifest(root, desc);
    const name =
      desc.annotations?.["io.containerd.image.name"] ??
      desc.annotations?.["org.opencontainers.image.ref.name"];
    let tags: Reference[] = [];
    if (name && /[/:]/.test(name)) {
      try {
        tags = [withDefaultTag(parseRef(name))];
      } catch {
        tags = []; // a bare tag such as "latest" names no repository
      }
    }
    out.push({
      config: blobPath(manifest.config),
      layers: manifest.layers.map(blobPath),
      tags,
    });
  }
  return out;
}

/** Follows nested indexes to this machine's linux platform (else the first manifest). */
async function pickManifest(
  root: string,
  desc: Descriptor,
  depth = 0,
): Promise<ImageManifest> {
  const doc = await readJson<ImageManifest & ImageIndex>(root, blobPath(desc));
  if (!doc)
    throw new InvalidArgumentError(
      `invalid archive: blob ${desc.digest} is missing`,
    );
  if (!isIndexMediaType(doc.mediaType ?? desc.mediaType) && !doc.manifests)
    return doc;
  if (depth > 4)
    throw new InvalidArgumentError("invalid archive: indexes nested too deep");
  const want = hostPlatform().architecture;
  const pick =
    doc.manifests.find(
      (m) => m.platform?.os === "linux" && m.platform.architecture === want,
    ) ?? doc.manifests[0];
  if (!pick) throw new InvalidArgumentError("invalid archive: empty index");
  return pickManifest(root, pick, depth + 1);
}

function blobPath(desc: Descriptor): string {
  const [alg, hex] = desc.digest.split(":");
  if (!alg || !hex || !/^[a-z0-9]+$/.test(alg) || !/^[a-f0-9]+$/.test(hex))
    throw new InvalidArgumentError(
      `invalid digest ${JSON.stringify(desc.digest)}`,
    );
  return `blobs/${alg}/${hex}`;
}
