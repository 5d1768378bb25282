import type { ImageProvider, RootfsPaths } from "../images/index.ts";
import type { ContainerRecord } from "./record.ts";

const known = new WeakMap<ContainerRecord, RootfsPaths>();

/**
 * The container's rootfs directories (images.rootfsPaths), remembered for
 * the life of its record: a container's snapshot and its chain of lower
 * layers never change once made, and finding them costs three file reads
 * on every `docker exec` (which inspects the container, then resolves the
 * exec's user in its rootfs). Undefined while there is no snapshot (not
 * remembered).
 */
export async function rootfsPathsOf(
  images: Pick<ImageProvider, "rootfsPaths">,
  r: ContainerRecord,
): Promise<RootfsPaths | undefined> {
  const cached = known.get(r);
  if (cached) return cached;
  const paths = await images.rootfsPaths(r.id);
  if (paths) known.set(r, paths);
  return paths;
}
