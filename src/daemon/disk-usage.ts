import type { ContainerService } from "../engine/containers/index.ts";
import type { ImageService } from "../engine/images/index.ts";
import type { VolumeService } from "../engine/volumes/index.ts";
import type { BuilderService } from "../engine/builder/index.ts";
import { API_VERSION } from "../api/version.ts";

/**
 * Composes GET /system/df from the services: images with their container
 * counts, containers with sizes, volumes and the build cache.
 * `types` (API 1.42+) limits the sections; empty means all.
 */
export async function diskUsage(
  services: {
    images: ImageService;
    containers: ContainerService;
    volumes: VolumeService;
    builder: BuilderService;
  },
  options: { types: string[] },
): Promise<Record<string, unknown>> {
  const want = (t: string): boolean =>
    options.types.length === 0 || options.types.includes(t);
  const containers = await services.containers.list({
    all: true,
    size: want("container"),
  });
  const perImage = new Map<string, number>();
  for (const c of containers)
    perImage.set(c.ImageID, (perImage.get(c.ImageID) ?? 0) + 1);
  const out: Record<string, unknown> = {};
  if (want("image")) {
    const { layersSize, images } = await services.images.diskUsage({
      version: API_VERSION,
      containersOf: (id) => perImage.get(id) ?? 0,
    });
    out.LayersSize = layersSize;
    out.Images = images;
  }
  if (want("container")) out.Containers = containers;
  if (want("volume")) out.Volumes = await services.volumes.diskUsage();
  if (want("build-cache")) out.BuildCache = await services.builder.diskUsage();
  return out;
}
