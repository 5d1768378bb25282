import type { ImageDeleteItem } from "../../api/images.ts";
import type { Digest } from "../../oci/digest.ts";
import {
  familiarString,
  fullName,
  type Reference,
} from "../../oci/reference.ts";
import type { EventBus } from "../events/index.ts";
import { ConflictError } from "../../util/errors.ts";
import { shortId } from "../../util/ids.ts";
import { imageChainIds, releaseLayers, type LayerDeps } from "./layers.ts";
import { resolveImage } from "./resolve.ts";

/** Who uses an image: a container id and whether it runs. */
export type UsageCheck = (
  imageId: string,
) => { id: string; running: boolean } | undefined;

/** What removal needs. */
export type RemoveDeps = LayerDeps & { events: EventBus; usage: UsageCheck };

/**
 * DELETE /images/{name}, following moby's ImageDelete: a name untags (and
 * deletes when it was the last name); an id deletes, untagging a single
 * repository's names first. Throws ConflictError with Docker's texts.
 */
export async function removeImage(
  deps: RemoveDeps,
  name: string,
  options: { force: boolean; prune: boolean },
): Promise<ImageDeleteItem[]> {
  const { id, ref } = resolveImage(deps.store, name);
  const records: ImageDeleteItem[] = [];
  const refs = deps.store.refsOf(id);
  const user = deps.usage(id);
  let quiet = false;
  if (ref) {
    if (!options.force && isSingleReference(refs) && user)
      throw new ConflictError(
        `conflict: unable to remove repository reference ${JSON.stringify(name)} (must force) - container ${shortId(user.id)} is using its referenced image ${shortId(id)}`,
      );
    records.push(await untag(deps, id, ref));
    records.push(...(await untagDigestsOf(deps, id, ref)));
    if (deps.store.refsOf(id).length > 0) return records;
    quiet = true;
  } else if (isSingleReference(refs)) {
    const c = conflict(deps, id, { soft: !options.force, multiRef: false });
    if (c) throw new ConflictError(c.message);
    for (const r of refs) {
      records.push(await untag(deps, id, r));
    }
  }
  const c = conflict(deps, id, {
    soft: !options.force,
    multiRef: !options.force,
  });
  if (c) {
    // moby: after untagging by name, a conflict just leaves the image in place.
    if (quiet && c.used) return records;
    throw new ConflictError(c.message);
  }
  for (const r of deps.store.refsOf(id)) {
    records.push(await untag(deps, id, r));
  }
  records.push(...(await deleteImage(deps, id)));
  return records;
}

/** Deletes an image with no names left: record, config blob, unused layers. */
export async function deleteImage(
  deps: RemoveDeps,
  id: Digest,
): Promise<ImageDeleteItem[]> {
  const chain = imageChainIds(deps, id);
  await deps.store.delete(id);
  await deps.store.content.remove(id);
  deps.events.publish({
    type: "image",
    action: "delete",
    id,
    attributes: { name: id },
  });
  const removed = await releaseLayers(deps, chain);
  return [{ Deleted: id }, ...removed.map((c) => ({ Deleted: c }))];
}

/** Removes one name of image id, publishes the untag event, returns the record. */
async function untag(
  deps: RemoveDeps,
  id: Digest,
  ref: Reference,
): Promise<ImageDeleteItem> {
  await deps.store.removeRef(ref);
  deps.events.publish({
    type: "image",
    action: "untag",
    id,
    attributes: { name: id },
  });
  return { Untagged: familiarString(ref) };
}

/**
 * compat: moby's ImageDelete, after removing a tag: when no tag of the same
 * repository is left, that repository's digest references (RepoDigests of
 * a pull) go too, so `docker rmi <pulled tag>` deletes the image.
 */
async function untagDigestsOf(
  deps: RemoveDeps,
  id: Digest,
  ref: Reference,
): Promise<ImageDeleteItem[]> {
  if (ref.digest !== undefined) return [];
  const refs = deps.store.refsOf(id);
  const repo = fullName(ref);
  if (refs.some((r) => r.digest === undefined && fullName(r) === repo))
    return [];
  const out: ImageDeleteItem[] = [];
  for (const r of refs)
    if (r.digest !== undefined && fullName(r) === repo)
      out.push(await untag(deps, id, r));
  return out;
}

/** moby's isSingleReference: one tag at most, digests only of that repository. */
function isSingleReference(refs: Reference[]): boolean {
  if (refs.length <= 1) return refs.length === 1;
  const tags = refs.filter((r) => r.digest === undefined);
  if (tags.length > 1) return false;
  const canonical = new Set(
    refs.filter((r) => r.digest !== undefined).map(fullName),
  );
  return canonical.size === 1 && canonical.has(fullName(tags[0] ?? refs[0]!));
}

/** moby's checkImageDeleteConflict: hard conflicts always, soft ones unless forced. */
function conflict(
  deps: RemoveDeps,
  id: Digest,
  mask: { soft: boolean; multiRef: boolean },
): { message: string; used: boolean } | undefined {
  const short = shortId(id);
  const children = deps.store
    .ids()
    .filter((other) => deps.store.record(other)?.parent === id);
  if (children.length > 0)
    return {
      message: `conflict: unable to delete ${short} (cannot be forced) - image has dependent child images`,
      used: false,
    };
  const user = deps.usage(id);
  if (user?.running)
    return {
      message: `conflict: unable to delete ${short} (cannot be forced) - image is being used by running container ${shortId(user.id)}`,
      used: true,
    };
  if (mask.multiRef && deps.store.refsOf(id).length > 0)
    return {
      message: `conflict: unable to delete ${short} (must be forced) - image is referenced in multiple repositories`,
      used: false,
    };
  if (mask.soft && user)
    return {
      message: `conflict: unable to delete ${short} (must be forced) - image is being used by stopped container ${shortId(user.id)}`,
      used: true,
    };
  return undefined;
}
