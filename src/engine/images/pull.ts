import { Transform, type Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { chainIds, sha256Digest, type Digest } from "../../oci/digest.ts";
import type {
  Descriptor,
  ImageConfig,
  ImageIndex,
  ImageManifest,
  Platform,
} from "../../oci/image.ts";
import { isIndexMediaType } from "../../oci/media-types.ts";
import {
  familiarString,
  fullName,
  type Reference,
} from "../../oci/reference.ts";
import type { Credentials } from "../../registry/client/auth.ts";
import { readBody } from "../../registry/client/http.ts";
import {
  fetchManifest,
  type FetchedManifest,
} from "../../registry/client/manifests.ts";
import {
  formatPlatform,
  hostPlatform,
  matchPlatform,
} from "../../registry/client/platform.ts";
import type { RegistryClient } from "../../registry/client/registry-client.ts";
import type { RepositoryClient } from "../../registry/client/repository.ts";
import {
  InvalidArgumentError,
  NotFoundError,
  NotImplementedError,
} from "../../util/errors.ts";
import type { EventBus } from "../events/index.ts";
import type { BlobSources } from "./blob-sources.ts";
import {
  isGzipLayer,
  releaseLayers,
  unpackLayer,
  type LayerDeps,
} from "./layers.ts";
import { Limiter } from "./limiter.ts";
import {
  commitDownload,
  downloadError,
  pullLayersAtOnce,
} from "./pull-layers.ts";
import type { Progress } from "./progress.ts";
import type { LayerRecord } from "./store.ts";

/** What a pull needs. */
export type PullDeps = LayerDeps & {
  registry: RegistryClient;
  sources: BlobSources;
  events: EventBus;
  tag: (ref: Reference, id: Digest) => Promise<Digest | undefined>;
  /** Layers downloaded at once (max-concurrent-downloads, 3 by default). */
  maxDownloads: number;
};

/** Options of one pull. */
export type PullOptions = {
  credentials: Credentials;
  platform?: Platform;
  progress: Progress;
  signal?: AbortSignal;
};

/** compat: image configs are capped (moby reads at most 8 MiB). */
const MAX_CONFIG_SIZE = 8 * 1024 * 1024;

/**
 * Pulls one image by tag or digest (POST /images/create?fromImage=), as
 * moby's pull_v2: negotiates the manifest, picks the platform from an
 * index, downloads up to maxDownloads layers at once into the content store
 * (each checked against its digest and kept as pulled), unpacks them in
 * order as each one arrives, then records the image, its tag and its
 * RepoDigest. Progress is Docker's JSON stream; nothing is written to it
 * before the manifest is in, so early failures keep their HTTP status.
 * On failure everything this pull added is removed. Returns the image id.
 */
export async function pullImage(
  deps: PullDeps,
  ref: Reference,
  options: PullOptions,
): Promise<Digest> {
  const sig = options.signal ? { signal: options.signal } : {};
  const repo = await deps.registry.repository(ref.domain, ref.path, {
    credentials: options.credentials,
    ...sig,
  });
  const reference = ref.digest ?? ref.tag ?? "latest";
  const top = await getManifest(repo, ref, reference, sig);
  const { manifest } = await choose(repo, top, options.platform, sig);
  const progress = options.progress;
  // compat: moby prints the path inside the registry ("library/busybox").
  progress.status(`Pulling from ${ref.path}`, reference);
  const configBytes = await getConfig(repo, manifest.config.digest, sig);
  const config = JSON.parse(configBytes.toString()) as ImageConfig;
  const diffIds = config.rootfs?.diff_ids ?? [];
  if (diffIds.length !== manifest.layers.length)
    throw new InvalidArgumentError(
      `invalid manifest: ${manifest.layers.length} layers but ${diffIds.length} diff ids in the image config`,
    );
  for (const l of manifest.layers)
    if (l.mediaType.endsWith("zstd"))
      throw new NotImplementedError(
        `not implemented: zstd-compressed layers (${l.digest})`,
      );
  const id = sha256Digest(configBytes);
  const chain = chainIds(diffIds);
  const added: Digest[] = [];
  let imageAdded = false;
  const fresh: Digest[] = [];
  for (const l of manifest.layers)
    if (!(await deps.store.content.exists(l.digest))) fresh.push(l.digest);
  try {
    await pullLayers(deps, repo, {
      manifest,
      diffIds,
      chain,
      progress,
      added,
      ...sig,
    });
    if (!deps.store.record(id)) {
      await deps.store.content.put(configBytes, id);
      await deps.store.add({ id }, config);
      imageAdded = true;
    }
    for (const [i, layer] of manifest.layers.entries())
      await deps.sources.add(diffIds[i]!, {
        digest: layer.digest,
        repository: fullName(ref),
        mediaType: layer.mediaType,
        size: layer.size,
      });
  } catch (err) {
    if (imageAdded) await deps.store.delete(id).catch(() => undefined);
    await releaseLayers(deps, chain).catch(() => undefined);
    // Blobs this pull downloaded that no layer keeps.
    const kept = new Set(
      (await deps.store.layers.list()).map(([, l]) => l.blob?.digest),
    );
    for (const d of fresh)
      if (!kept.has(d))
        await deps.store.content.remove(d).catch(() => undefined);
    throw err;
  }
  const named = { domain: ref.domain, path: ref.path };
  const old =
    ref.tag !== undefined
      ? deps.store.lookup(ref)
      : deps.store.lookup({ ...named, digest: top.digest });
  if (ref.tag !== undefined) await deps.tag(ref, id);
  await deps.store.setRef({ ...named, digest: top.digest }, id);
  progress.status(`Digest: ${top.digest}`);
  progress.status(
    old === id
      ? `Status: Image is up to date for ${familiarString(ref)}`
      : `Status: Downloaded newer image for ${familiarString(ref)}`,
  );
  deps.events.publish({
    type: "image",
    action: "pull",
    id: familiarString(ref),
    attributes: { name: familiarString(ref) },
  });
  return id;
}

async function getManifest(
  repo: RepositoryClient,
  ref: Reference,
  reference: string,
  sig: { signal?: AbortSignal },
): Promise<FetchedManifest> {
  try {
    return await fetchManifest(repo, reference, sig);
  } catch (err) {
    if ((err as Error).name === "ManifestUnknownError")
      // compat: moby's "manifest for <ref> not found: <registry's error>".
      throw new NotFoundError(
        `manifest for ${familiarString(ref)} not found: ${(err as Error).message}`,
      );
    throw err;
  }
}

/** Follows an index to the wanted platform's manifest. */
async function choose(
  repo: RepositoryClient,
  top: FetchedManifest,
  platform: Platform | undefined,
  sig: { signal?: AbortSignal },
): Promise<{ manifest: ImageManifest }> {
  if (!isIndexMediaType(top.mediaType)) return { manifest: parseManifest(top) };
  const index = JSON.parse(top.bytes.toString()) as ImageIndex;
  const want = platform ?? hostPlatform();
  const pick = matchPlatform(index.manifests ?? [], want);
  if (!pick)
    throw new NotFoundError(
      `no matching manifest for ${formatPlatform(want)} in the manifest list entries`,
    );
  const m = await fetchManifest(repo, pick.digest, sig);
  if (isIndexMediaType(m.mediaType))
    throw new InvalidArgumentError(
      `invalid manifest list: entry ${pick.digest} is itself an index`,
    );
  return { manifest: parseManifest(m) };
}

function parseManifest(m: FetchedManifest): ImageManifest {
  const doc = JSON.parse(m.bytes.toString()) as Partial<ImageManifest>;
  if (!doc.config?.digest || !Array.isArray(doc.layers))
    throw new InvalidArgumentError(
      `invalid manifest ${m.digest}: no config or layers`,
    );
  return doc as ImageManifest;
}

async function getConfig(
  repo: RepositoryClient,
  digest: Digest,
  sig: { signal?: AbortSignal },
): Promise<Buffer> {
  const res = await repo.blob(digest, sig.signal);
  const bytes = await readBody(res, MAX_CONFIG_SIZE);
  if (sha256Digest(bytes) !== digest)
    throw new InvalidArgumentError(
      `image config verification failed for digest ${digest}`,
    );
  return bytes;
}

/**
 * Downloads missing layers (maxDownloads at once) and unpacks them bottom
 * first, each as soon as it and the one below it are done. Chain ids it
 * created go to `added`. Stores that can rebase (overlay) take
 * pullLayersAtOnce instead: download and unpack in one stream, several
 * layers at once.
 */
async function pullLayers(
  deps: PullDeps,
  repo: RepositoryClient,
  o: {
    manifest: ImageManifest;
    diffIds: Digest[];
    chain: Digest[];
    progress: Progress;
    added: Digest[];
    signal?: AbortSignal;
  },
): Promise<void> {
  const { manifest, progress } = o;
  const have: (LayerRecord | undefined)[] = [];
  for (const c of o.chain) {
    const rec = await deps.store.layers.get(c.slice(7));
    have.push(rec && (await deps.layers.stat(c)) ? rec : undefined);
  }
  // compat: moby reports a present layer only when all below it are present too.
  let firstMissing = have.findIndex((h) => h === undefined);
  if (firstMissing === -1) firstMissing = have.length;
  const shortId = (d: Descriptor): string => d.digest.slice(7, 19);
  for (const [i, layer] of manifest.layers.entries())
    progress.step(
      shortId(layer),
      i < firstMissing ? "Already exists" : "Pulling fs layer",
    );
  const todo = manifest.layers.slice(firstMissing);
  if (deps.layers.rebase)
    return pullLayersAtOnce(deps, repo, {
      todo,
      diffIds: o.diffIds.slice(firstMissing),
      parent: firstMissing > 0 ? have[firstMissing - 1] : undefined,
      maxDownloads: deps.maxDownloads,
      progress,
      added: o.added,
      ...(o.signal ? { signal: o.signal } : {}),
    });
  const limit = new Limiter(Math.max(1, deps.maxDownloads));
  const downloads = todo.map((layer, n) => {
    if (n >= deps.maxDownloads) progress.step(shortId(layer), "Waiting");
    return limit.run(() => download(deps, repo, layer, progress, o.signal));
  });
  // Unhandled rejections of later downloads are seen through their awaits below.
  for (const d of downloads) d.catch(() => undefined);
  let parent = firstMissing > 0 ? have[firstMissing - 1] : undefined;
  try {
    for (const [n, layer] of todo.entries()) {
      await downloads[n];
      const i = firstMissing + n;
      const tar = await extractStream(deps, layer, progress);
      const r = await unpackLayer(deps, parent, tar, o.diffIds[i], {
        digest: layer.digest,
        size: layer.size,
        mediaType: layer.mediaType,
      });
      if (r.created) o.added.push(r.record.chainId);
      parent = r.record;
      progress.step(shortId(layer), "Pull complete");
    }
  } finally {
    limit.cancel();
    await Promise.allSettled(downloads);
  }
}

/** Fetches one blob into the content store, verified; skipped when already there. */
async function download(
  deps: PullDeps,
  repo: RepositoryClient,
  layer: Descriptor,
  progress: Progress,
  signal: AbortSignal | undefined,
): Promise<void> {
  const id = layer.digest.slice(7, 19);
  if (await deps.store.content.exists(layer.digest)) {
    progress.step(id, "Download complete");
    return;
  }
  const res = await repo.blob(layer.digest, signal);
  const writer = await deps.store.content.writer();
  try {
    let n = 0;
    for await (const chunk of res) {
      await writer.write(chunk as Buffer);
      n += (chunk as Buffer).length;
      progress.bytes(id, "Downloading", n, layer.size);
    }
    await commitDownload(writer, layer, n, progress);
  } catch (err) {
    res.destroy();
    throw downloadError(err, layer);
  } finally {
    await writer.abort();
  }
}

/** The layer's tar from the downloaded blob, reporting "Extracting" by compressed bytes read. */
async function extractStream(
  deps: PullDeps,
  layer: Descriptor,
  progress: Progress,
): Promise<Readable> {
  const id = layer.digest.slice(7, 19);
  const file = await deps.store.content.readStream(layer.digest);
  let n = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      n += chunk.length;
      progress.bytes(id, "Extracting", n, layer.size, n === layer.size);
      cb(null, chunk);
    },
  });
  file.on("error", (err) => counter.destroy(err));
  const counted = file.pipe(counter);
  if (!isGzipLayer(layer.mediaType)) return counted;
  const gunzip = createGunzip({ chunkSize: 256 << 10 });
  counted.on("error", (err) => gunzip.destroy(err));
  return counted.pipe(gunzip);
}
