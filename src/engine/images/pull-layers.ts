import { randomBytes } from "node:crypto";
import { open } from "node:fs/promises";
import type { Digest } from "../../oci/digest.ts";
import type { Descriptor } from "../../oci/image.ts";
import type { ContentWriter } from "../../storage/content/content-store.ts";
import type { RepositoryClient } from "../../registry/client/repository.ts";
import type { ApplyResult } from "../../storage/archive/apply.ts";
import { GrowingFile } from "../../storage/archive/growing-file.ts";
import { InvalidArgumentError } from "../../util/errors.ts";
import { fault } from "../../util/fault.ts";
import { GcPacer } from "../../util/gc-pacer.ts";
import { chainOf, EXTRACT_PREFIX, type LayerDeps } from "./layers.ts";
import { Limiter } from "./limiter.ts";
import type { Progress } from "./progress.ts";
import type { LayerRecord } from "./store.ts";

/** Socket reads freed as the download goes (util/gc-pacer.ts). */
const pacer = new GcPacer(8 << 20);

/** A layer unpacked into a parentless extract-* snapshot, not committed yet. */
type Detached = { key: string; result: ApplyResult };

/** What pullLayersAtOnce needs. */
export type AtOnceOptions = {
  /** The layers to fetch, bottom first, with their diffIds from the config. */
  todo: Descriptor[];
  diffIds: Digest[];
  /** The committed layer below the first of todo. */
  parent: LayerRecord | undefined;
  maxDownloads: number;
  progress: Progress;
  /** Chain ids this call created, bottom first. */
  added: Digest[];
  signal?: AbortSignal;
};

/**
 * The pull path for layer stores that can rebase (overlay): up to
 * maxDownloads layers at once, each in one stream from the registry to
 * the content store (digest-checked) and through gunzip and tar apply into
 * a parentless extract-* snapshot; then, bottom first, each is rebased onto
 * the layer below, its diffId checked and committed under its chain id.
 * On failure every snapshot this call made and did not commit is removed
 * (the caller releases committed ones and blobs).
 */
export async function pullLayersAtOnce(
  deps: LayerDeps,
  repo: RepositoryClient,
  o: AtOnceOptions,
): Promise<void> {
  const limit = new Limiter(Math.max(1, o.maxDownloads));
  const short = (d: Descriptor): string => d.digest.slice(7, 19);
  const tasks = o.todo.map((layer, n) => {
    if (n >= o.maxDownloads) o.progress.step(short(layer), "Waiting");
    return limit.run(() => fetchApply(deps, repo, layer, o));
  });
  for (const t of tasks) t.catch(() => undefined);
  let parent = o.parent;
  let attached = 0;
  try {
    for (const [n, layer] of o.todo.entries()) {
      const detached = await tasks[n]!;
      attached = n + 1;
      const r = await attach(deps, detached, parent, {
        expected: o.diffIds[n]!,
        blob: {
          digest: layer.digest,
          size: layer.size,
          mediaType: layer.mediaType,
        },
      });
      if (r.created) o.added.push(r.record.chainId);
      parent = r.record;
      o.progress.step(short(layer), "Pull complete");
    }
  } finally {
    limit.cancel();
    const settled = await Promise.allSettled(tasks);
    for (const [n, s] of settled.entries())
      if (n >= attached && s.status === "fulfilled")
        await deps.layers.remove(s.value.key).catch(() => undefined);
  }
}

/** One layer: from the content store when there, else streamed from the registry. */
async function fetchApply(
  deps: LayerDeps,
  repo: RepositoryClient,
  layer: Descriptor,
  o: AtOnceOptions,
): Promise<Detached> {
  const id = layer.digest.slice(7, 19);
  const extracted = (d: Detached): Detached => {
    o.progress.bytes(id, "Extracting", layer.size, layer.size, true);
    return d;
  };
  if (await deps.store.content.exists(layer.digest)) {
    o.progress.step(id, "Download complete");
    const file = await deps.store.content.readStream(layer.digest);
    return extracted(
      await applyDetached(deps, (key) => deps.layers.apply(key, file)),
    );
  }
  const res = await repo.blob(layer.digest, o.signal);
  const writer = await deps.store.content.writer();
  // The apply follows the ingest file as the download writes it (on the
  // layer store's worker thread): no bytes pass between the two in memory.
  // Through an fd of its own, which the commit's rename does not disturb.
  const reading = await open(writer.path, "r").catch(async (err) => {
    await writer.abort();
    throw err;
  });
  const growing = new GrowingFile();
  const applying = applyDetached(deps, (key) =>
    deps.layers.applyFile(key, reading.fd, { growing }),
  );
  applying.catch(() => undefined); // seen below
  try {
    let n = 0;
    for await (const chunk of res) {
      await writer.write(chunk as Buffer);
      n += (chunk as Buffer).length;
      pacer.moved((chunk as Buffer).length);
      o.progress.bytes(id, "Downloading", n, layer.size);
      if (writer.written > growing.bytes) growing.grow(writer.written);
    }
    // After a failed apply the bytes still go to the store: a digest
    // mismatch is the clearer error for a corrupt blob.
    await commitDownload(writer, layer, n, o.progress);
    growing.end(n);
    return extracted(await applying);
  } catch (err) {
    res.destroy();
    growing.fail(err as Error);
    const d = await applying.catch(() => undefined);
    if (d) await deps.layers.remove(d.key).catch(() => undefined);
    throw downloadError(err, layer);
  } finally {
    await applying.catch(() => undefined);
    await reading.close();
    await writer.abort();
  }
}

/**
 * Ends a layer download: checks the byte count and commits the blob under
 * its digest, with moby's texts for a short or corrupt blob, reporting
 * "Verifying Checksum" and "Download complete".
 */
export async function commitDownload(
  writer: ContentWriter,
  layer: Descriptor,
  bytes: number,
  progress: Progress,
): Promise<void> {
  if (bytes !== layer.size && layer.size > 0)
    throw new InvalidArgumentError(
      `unexpected EOF: layer ${layer.digest} has ${bytes} of ${layer.size} bytes`,
    );
  const id = layer.digest.slice(7, 19);
  progress.step(id, "Verifying Checksum");
  try {
    await writer.commit({ digest: layer.digest });
  } catch (err) {
    if (err instanceof InvalidArgumentError)
      // compat: moby's verification failure text.
      throw new InvalidArgumentError(
        `filesystem layer verification failed for digest ${layer.digest}`,
      );
    throw err;
  }
  progress.step(id, "Download complete");
}

/** A download's failure as pull reports it: a connection cut mid-layer is moby's unexpected EOF. */
export function downloadError(err: unknown, layer: Descriptor): unknown {
  if ((err as Error).message === "aborted")
    return new InvalidArgumentError(
      `unexpected EOF: the registry closed the connection during layer ${layer.digest}`,
    );
  return err;
}

/** Unpacks a layer tar (plain or gzip) into a new parentless extract-* snapshot. */
async function applyDetached(
  deps: LayerDeps,
  apply: (key: string) => Promise<ApplyResult>,
): Promise<Detached> {
  const key = `${EXTRACT_PREFIX}${randomBytes(8).toString("hex")}`;
  await deps.layers.prepare(key, {});
  try {
    const result = await apply(key);
    // Test-only crash point (util/fault.ts), as in unpackLayer.
    fault("layer:applied");
    return { key, result };
  } catch (err) {
    await deps.layers.remove(key).catch(() => undefined);
    throw err;
  }
}

/**
 * Checks a detached layer's diffId, rebases it onto parent and commits it
 * under its chain id (dropped when that chain already exists). The
 * snapshot is gone afterwards either way.
 */
async function attach(
  deps: LayerDeps,
  layer: Detached,
  parent: LayerRecord | undefined,
  o: { expected: Digest; blob: NonNullable<LayerRecord["blob"]> },
): Promise<{ record: LayerRecord; created: boolean }> {
  let committed = false;
  try {
    const r = layer.result;
    const { chainId, existing } = await chainOf(deps, parent, r, o.expected);
    if (existing) return { record: existing, created: false };
    if (parent)
      await deps.layers.rebase!(layer.key, { parent: parent.chainId });
    const record: LayerRecord = {
      chainId,
      diffId: r.diffId,
      size: r.size,
      tarSize: r.tarSize,
      blob: o.blob,
    };
    if (parent) record.parent = parent.chainId;
    await deps.layers.commit(chainId, layer.key);
    committed = true;
    await deps.store.layers.put(chainId.slice(7), record);
    fault("layer:committed");
    return { record, created: true };
  } finally {
    if (!committed) await deps.layers.remove(layer.key).catch(() => undefined);
  }
}
