import type { Readable } from "node:stream";
import { sha256Digest, type Digest } from "../../oci/digest.ts";
import type {
  ContainerConfig,
  HistoryEntry,
  ImageConfig,
} from "../../oci/image.ts";
import { withDefaultTag, type Reference } from "../../oci/reference.ts";
import { TarSizes } from "../../storage/archive/tar-sizes.ts";
import { InvalidArgumentError } from "../../util/errors.ts";
import {
  imageChainIds,
  releaseLayers,
  unpackLayer,
  type LayerDeps,
} from "./layers.ts";
import type { LayerRecord } from "./store.ts";
import { parseRef } from "./resolve.ts";

/** What a commit adds on top of the container's image. */
export type CommitOptions = {
  /** The image the container runs: the new image's parent. */
  parentImageId: Digest;
  /** The new image's runtime config (changes and overrides already applied). */
  config: ContainerConfig;
  /** Legacy `container_config`: the container's own config at commit time. */
  containerConfig?: Record<string, unknown>;
  containerId: string;
  /** The container's command line, for the history entry's created_by. */
  createdBy: string;
  author?: string;
  comment?: string;
  repo?: string;
  tag?: string;
};

/** sha256 of 1024 zero bytes: the diffId of a tar with no entries (moby's layer.DigestSHA256EmptyTar). */
export const EMPTY_TAR_DIFF_ID =
  "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef";

/** The name a commit should get, checked before any work (InvalidArgumentError). */
export function commitTarget(options: {
  repo?: string;
  tag?: string;
}): Reference | undefined {
  if (!options.repo) {
    if (options.tag)
      throw new InvalidArgumentError("tag is specified without a repository");
    return undefined;
  }
  let ref = parseRef(options.repo);
  if (ref.digest !== undefined)
    throw new InvalidArgumentError(
      "refusing to create a tag with a digest reference",
    );
  if (options.tag) ref = { ...ref, tag: options.tag };
  return withDefaultTag(ref);
}

/**
 * Writes a container's layer diff as a new image over its parent (moby's
 * CommitImage): the layer is unpacked and stored under its chain id, the
 * config keeps the parent's rootfs and history and appends one layer and
 * one history entry (empty_layer when the diff has no entries, in which
 * case no layer is added). Returns the new image id; the caller tags it.
 */
export async function commitImage(
  deps: LayerDeps,
  tar: Readable,
  options: CommitOptions,
): Promise<Digest> {
  const chain = imageChainIds(deps, options.parentImageId);
  const top = chain[chain.length - 1];
  const parentLayer =
    top === undefined ? undefined : await deps.store.layers.get(top.slice(7));
  const { record, created: newLayer } = await unpackLayer(
    deps,
    parentLayer,
    tar,
  );
  const empty = record.diffId === EMPTY_TAR_DIFF_ID;
  const id = await addImage(deps, empty ? undefined : record.diffId, options);
  // An empty diff adds no layer: drop the one unpackLayer made for it.
  if (empty && newLayer) await releaseLayers(deps, [record.chainId]);
  return id;
}

/**
 * Makes an image from the own changes of snapshot key (an unmounted
 * active snapshot over the parent image's top layer, such as a build
 * step's scratch rootfs) without copying its files, as containerd's
 * snapshotter commits: the diff tar is streamed once, into the content
 * store (save and push read it), and the snapshot itself becomes the
 * layer under its chain id. When the diff is empty or that chain already
 * exists, key is left as it was for the caller to remove. `locked`
 * serialises the bookkeeping with other image changes (the diff streams
 * outside it). Returns the new image id.
 */
export async function commitSnapshot(
  deps: LayerDeps,
  key: string,
  options: CommitOptions,
  locked: <T>(fn: () => Promise<T>) => Promise<T>,
): Promise<Digest> {
  const chain = imageChainIds(deps, options.parentImageId);
  const top = chain[chain.length - 1];
  const sizes = new TarSizes();
  const writer = await deps.store.content.writer();
  try {
    for await (const chunk of await deps.layers.diff(key)) {
      sizes.update(chunk as Buffer);
      await writer.write(chunk as Buffer);
    }
    // A tar with no member is its two end blocks alone.
    if (sizes.tarSize <= 1024)
      return await locked(() => addImage(deps, undefined, options));
    const { digest: diffId } = await writer.commit();
    const chainId = top ? sha256Digest(`${top} ${diffId}`) : diffId;
    return await locked(async () => {
      if (!(await deps.store.layers.get(chainId.slice(7)))) {
        const record: LayerRecord = {
          chainId,
          diffId,
          size: sizes.fileSize,
          tarSize: sizes.tarSize,
        };
        if (top) record.parent = top;
        // Record first: a crash before the commit leaves a record with no
        // snapshot and no image, which the sweep at start removes.
        await deps.store.layers.put(chainId.slice(7), record);
      }
      if (!(await deps.layers.stat(chainId)))
        await deps.layers.commit(chainId, key);
      return addImage(deps, diffId, options);
    });
  } finally {
    await writer.abort();
  }
}

/**
 * Writes the image config of a commit: the parent's rootfs and history
 * plus one history entry and, unless diffId is undefined (an empty diff,
 * marked empty_layer), one layer. Returns the image id.
 */
async function addImage(
  deps: LayerDeps,
  diffId: Digest | undefined,
  options: CommitOptions,
): Promise<Digest> {
  const parent = deps.store.config(options.parentImageId);
  const empty = diffId === undefined;
  const created = new Date().toISOString();
  const history: HistoryEntry = { created, created_by: options.createdBy };
  if (options.author) history.author = options.author;
  if (options.comment) history.comment = options.comment;
  if (empty) history.empty_layer = true;
  const image: ImageConfig = {
    architecture: parent.architecture,
    os: parent.os,
    ...(parent.variant ? { variant: parent.variant } : {}),
    config: options.config,
    container: options.containerId,
    ...(options.containerConfig
      ? { container_config: options.containerConfig }
      : {}),
    created,
    ...(options.author ? { author: options.author } : {}),
    ...(options.comment ? { comment: options.comment } : {}),
    parent: options.parentImageId,
    rootfs: {
      type: "layers",
      diff_ids: empty
        ? [...parent.rootfs.diff_ids]
        : [...parent.rootfs.diff_ids, diffId],
    },
    history: [...(parent.history ?? []), history],
  };
  const bytes = Buffer.from(JSON.stringify(image));
  const id = sha256Digest(bytes);
  await deps.store.content.put(bytes, id);
  if (!deps.store.record(id))
    await deps.store.add({ id, parent: options.parentImageId }, image);
  return id;
}
