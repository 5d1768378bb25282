import { PassThrough, Transform, type Readable } from "node:stream";
import { pipeline as pipelineCb } from "node:stream";
import { chainIds, type Digest } from "../../oci/digest.ts";
import { MediaTypes } from "../../oci/media-types.ts";
import {
  familiarString,
  fullName,
  type Reference,
} from "../../oci/reference.ts";
import type { Credentials } from "../../registry/client/auth.ts";
import { putManifest } from "../../registry/client/manifests.ts";
import type { RegistryClient } from "../../registry/client/registry-client.ts";
import type { RepositoryClient } from "../../registry/client/repository.ts";
import { NotFoundError } from "../../util/errors.ts";
import type { EventBus } from "../events/index.ts";
import type { BlobSource, BlobSources } from "./blob-sources.ts";
import { layerTar, type LayerDeps } from "./layers.ts";
import { GzipLayer } from "./gzip-layer.ts";
import { Limiter } from "./limiter.ts";
import type { Progress } from "./progress.ts";
import type { LayerRecord } from "./store.ts";

/** What a push needs. */
export type PushDeps = LayerDeps & {
  registry: RegistryClient;
  sources: BlobSources;
  events: EventBus;
  /** Layers uploaded at once (max-concurrent-uploads, 5 by default). */
  maxUploads: number;
};

/** A layer ready to upload: its compressed blob in the content store. */
type Blob = { digest: Digest; size: number; mediaType: string };

/**
 * Pushes one tagged image (POST /images/{name}/push), as moby's push_v2:
 * each layer goes as the blob it was pulled as, or gzipped once (kept in
 * the content store so every later push sends the same bytes); a blob the
 * repository has is skipped after a HEAD, one another repository of the
 * same registry has is mounted; then the config and a Docker schema 2
 * manifest. Progress and the final aux are Docker's. Returns the digest.
 */
export async function pushImage(
  deps: PushDeps,
  ref: Reference & { tag: string },
  options: {
    credentials: Credentials;
    progress: Progress;
    signal?: AbortSignal;
  },
): Promise<Digest> {
  const { progress } = options;
  const id = deps.store.lookup(ref);
  if (!id)
    throw new NotFoundError(`tag does not exist: ${familiarString(ref)}`);
  const config = deps.store.config(id);
  const chain = chainIds(config.rootfs.diff_ids);
  const records: LayerRecord[] = [];
  for (const c of chain) {
    const rec = await deps.store.layers.get(c.slice(7));
    if (!rec) throw new NotFoundError(`layer ${c} of ${id} is missing`);
    records.push(rec);
  }
  const repoName = fullName(ref);
  const sameRegistry = new Set<string>();
  for (const r of records)
    for (const s of await deps.sources.get(r.diffId))
      if (
        s.repository.startsWith(`${ref.domain}/`) &&
        s.repository !== repoName
      )
        sameRegistry.add(s.repository.slice(ref.domain.length + 1));
  const sig = options.signal ? { signal: options.signal } : {};
  const repo = await deps.registry.repository(ref.domain, ref.path, {
    credentials: options.credentials,
    push: true,
    mountFrom: [...sameRegistry].slice(0, 4),
    ...sig,
  });
  const short = (r: LayerRecord): string => r.diffId.slice(7, 19);
  for (const r of records) progress.step(short(r), "Preparing");
  const limit = new Limiter(Math.max(1, deps.maxUploads));
  const uploads = records.map((r, n) => {
    if (n >= deps.maxUploads) progress.step(short(r), "Waiting");
    return limit.run(() => pushLayer(deps, repo, r, { ...options, repoName }));
  });
  for (const u of uploads) u.catch(() => undefined);
  let blobs: Blob[];
  try {
    blobs = await Promise.all(uploads);
  } finally {
    limit.cancel();
    await Promise.allSettled(uploads);
  }
  const configBytes = await deps.store.content.read(id);
  if (!(await repo.hasBlob(id, options.signal))) {
    const from = [...sameRegistry][0];
    await repo.uploadBlob(id, () => bufferStream(configBytes), {
      ...sig,
      ...(from !== undefined ? { from } : {}),
    });
  }
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaTypes.dockerManifest,
    config: {
      mediaType: MediaTypes.dockerConfig,
      size: configBytes.length,
      digest: id,
    },
    layers: blobs.map((b) => ({
      mediaType: b.mediaType,
      size: b.size,
      digest: b.digest,
    })),
  };
  // compat: moby marshals manifests indented by three spaces.
  const bytes = Buffer.from(JSON.stringify(manifest, null, 3));
  const digest = await putManifest(
    repo,
    ref.tag,
    { bytes, mediaType: MediaTypes.dockerManifest },
    sig,
  );
  await deps.store.setRef({ domain: ref.domain, path: ref.path, digest }, id);
  progress.status(`${ref.tag}: digest: ${digest} size: ${bytes.length}`);
  progress.aux({ Tag: ref.tag, Digest: digest, Size: bytes.length });
  deps.events.publish({
    type: "image",
    action: "push",
    id: familiarString(ref),
    attributes: { name: familiarString(ref) },
  });
  return digest;
}

/** Pushes one layer: skip, mount or upload. Returns the blob the manifest names. */
async function pushLayer(
  deps: PushDeps,
  repo: RepositoryClient,
  record: LayerRecord,
  o: { progress: Progress; repoName: string; signal?: AbortSignal },
): Promise<Blob> {
  const id = record.diffId.slice(7, 19);
  const sources = await deps.sources.get(record.diffId);
  const domain = o.repoName.slice(0, o.repoName.length - repo.path.length - 1);
  const remember = (b: Blob): Promise<void> =>
    deps.sources.add(record.diffId, { ...b, repository: o.repoName });
  // Known in this repository: a HEAD is enough.
  for (const s of sources.filter((s) => s.repository === o.repoName))
    if (await repo.hasBlob(s.digest, o.signal)) {
      o.progress.step(id, "Layer already exists");
      return blobOf(s);
    }
  const blob = await storedBlob(deps, record);
  if (!blob) {
    const made = await compressAndUpload(deps, repo, record, o);
    o.progress.step(id, "Pushed");
    await remember(made);
    return made;
  }
  if (await repo.hasBlob(blob.digest, o.signal)) {
    o.progress.step(id, "Layer already exists");
    await remember(blob);
    return blob;
  }
  // Another repository of this registry has it: ask for a mount; the
  // registry starts a normal upload instead when it cannot mount.
  const from = sources
    .filter(
      (s) => s.digest === blob.digest && s.repository.startsWith(`${domain}/`),
    )
    .map((s) => s.repository.slice(domain.length + 1))
    .find((p) => p !== repo.path);
  let sent = 0;
  const how = await repo.uploadBlob(
    blob.digest,
    () => {
      const counter = new Transform({
        transform(chunk: Buffer, _e, cb) {
          sent += chunk.length;
          o.progress.bytes(id, "Pushing", sent, blob.size);
          cb(null, chunk);
        },
      });
      void deps.store.content
        .readStream(blob.digest)
        .then((s) => s.on("error", (e) => counter.destroy(e)).pipe(counter))
        .catch((e: Error) => counter.destroy(e));
      return counter;
    },
    {
      ...(from !== undefined ? { from } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
    },
  );
  if (how === "mounted") {
    o.progress.step(id, `Mounted from ${from!}`);
    await remember(blob);
    return blob;
  }
  o.progress.bytes(id, "Pushing", blob.size, blob.size, true);
  o.progress.step(id, "Pushed");
  await remember(blob);
  return blob;
}

function blobOf(s: BlobSource): Blob {
  return { digest: s.digest, size: s.size, mediaType: s.mediaType };
}

/** The layer's compressed blob in the content store (pulled, or kept from an earlier push), if any. */
async function storedBlob(
  deps: PushDeps,
  record: LayerRecord,
): Promise<Blob | undefined> {
  if (record.blob && (await deps.store.content.exists(record.blob.digest)))
    return record.blob;
  return undefined;
}

/**
 * Gzips the layer's tar (GzipLayer: the same bytes on every push) while
 * uploading it, as moby does for a layer it has no blob of, and keeps the
 * blob in the content store on the way (the layer record names it), so a
 * later push sends these bytes unchanged without compressing again. The
 * digest is known only at the end: no HEAD before, no mount.
 */
async function compressAndUpload(
  deps: PushDeps,
  repo: RepositoryClient,
  record: LayerRecord,
  o: { progress: Progress; signal?: AbortSignal },
): Promise<Blob> {
  const id = record.diffId.slice(7, 19);
  const writer = await deps.store.content.writer();
  const { stream, size } = await layerTar(deps, record);
  try {
    let blob: Blob | undefined;
    const gzip = new GzipLayer();
    const keep = new Transform({
      transform(chunk: Buffer, _e, cb) {
        writer.write(chunk).then(() => {
          // compat: moby counts a compressing push against the tar's size.
          o.progress.bytes(id, "Pushing", gzip.bytesIn, size);
          cb(null, chunk);
        }, cb);
      },
    });
    const body = (): Readable =>
      pipelineCb(stream, gzip, keep, () => undefined);
    await repo.uploadBlob(
      async () => {
        const info = await writer.commit();
        blob = { ...info, mediaType: MediaTypes.dockerLayerGzip };
        await deps.store.layers.put(record.chainId.slice(7), {
          ...record,
          blob,
        });
        return blob.digest;
      },
      body,
      o.signal ? { signal: o.signal } : {},
    );
    if (!blob) throw new Error(`layer ${record.diffId}: upload ended early`);
    o.progress.bytes(id, "Pushing", size, size, true);
    return blob;
  } finally {
    stream.destroy(); // unread when the upload never started
    await writer.abort();
  }
}

function bufferStream(b: Buffer): Readable {
  return new PassThrough().end(b);
}
