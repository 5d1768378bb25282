import { randomBytes } from "node:crypto";
import { mkdir, rm, writeFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import type { ContainerConfig } from "../../oci/image.ts";
import type { ImageService } from "../images/index.ts";

/**
 * Scratch root filesystems the builder mounts itself (COPY/ADD/WORKDIR
 * steps and COPY --from sources), each a writable layer of the image
 * service keyed "build-<hex>". A marker file per key under
 * <builder>/active/ lets the next daemon start remove what a killed one
 * left (sweepRootfs).
 */
export async function withRootfs<T>(
  images: ImageService,
  dir: string,
  imageId: string,
  fn: (merged: string, key: string) => Promise<T>,
): Promise<T> {
  const key = `build-${randomBytes(16).toString("hex")}`;
  const marker = join(dir, "active", key);
  await mkdir(join(dir, "active"), { recursive: true });
  await writeFile(marker, "");
  try {
    await images.prepareRootfs(key, imageId);
    const merged = await images.mountRootfs(key);
    return await fn(merged, key);
  } finally {
    await images.unmountRootfs(key).catch(() => undefined);
    await images.removeRootfs(key).catch(() => undefined);
    await rm(marker, { force: true });
  }
}

/**
 * One filesystem step (COPY, ADD, WORKDIR): write() changes a scratch
 * rootfs of parentImageId, and the rootfs itself becomes the new image's
 * layer (ImageService.commitRootfs: its files are not copied again). An
 * unchanged rootfs gives an empty_layer image. Returns the image id.
 */
export function commitInRootfs(
  images: ImageService,
  dir: string,
  step: { parentImageId: string; config: ContainerConfig; createdBy: string },
  write: (merged: string) => Promise<void>,
): Promise<string> {
  return withRootfs(images, dir, step.parentImageId, async (merged, key) => {
    await write(merged);
    return images.commitRootfs(key, { ...step, containerId: "" });
  });
}

/** Removes the scratch layers a previous daemon left behind (daemon start). */
export async function sweepRootfs(
  images: ImageService,
  dir: string,
): Promise<number> {
  const names = await readdir(join(dir, "active")).catch(() => []);
  for (const key of names) {
    await images.unmountRootfs(key).catch(() => undefined);
    await images.removeRootfs(key).catch(() => undefined);
    await rm(join(dir, "active", key), { force: true });
  }
  return names.length;
}
