import type {
  ImageHistoryItem,
  ImageInspect,
  ImageSummary,
} from "../../api/images.ts";
import { versionLessThan } from "../../api/version.ts";
import type { Digest } from "../../oci/digest.ts";
import type { ContainerConfig, ImageConfig } from "../../oci/image.ts";
import { familiarString } from "../../oci/reference.ts";
import type { SnapshotPaths } from "../../storage/layers/layer-store.ts";
import type { ImageStore } from "./store.ts";

/** Tags and digests of an image as Docker lists them. */
export function repoNames(
  store: ImageStore,
  id: Digest,
): { tags: string[]; digests: string[] } {
  const tags: string[] = [];
  const digests: string[] = [];
  for (const r of store.refsOf(id))
    (r.digest !== undefined ? digests : tags).push(familiarString(r));
  return { tags, digests };
}

/** Unix seconds of a config's created time (0 when absent). */
export function createdSeconds(config: ImageConfig): number {
  return config.created ? Math.floor(Date.parse(config.created) / 1000) : 0;
}

/** Builds one ImageSummary row. */
export function summaryView(
  store: ImageStore,
  id: Digest,
  options: {
    size: number;
    version: string;
    sharedSize?: number;
    containers?: number;
  },
): ImageSummary {
  const config = store.config(id);
  const { tags, digests } = repoNames(store, id);
  const old = versionLessThan(options.version, "1.44");
  const out: ImageSummary = {
    Containers: options.containers ?? -1,
    Created: createdSeconds(config),
    Id: id,
    // compat: Docker sends null when the image has no labels.
    Labels: config.config?.Labels ?? null,
    ParentId: store.record(id)?.parent ?? "",
    // compat: API < 1.44 shows untagged images as <none>:<none> and <none>@<none>.
    RepoDigests:
      digests.length === 0 && old && tags.length === 0
        ? ["<none>@<none>"]
        : digests,
    RepoTags: tags.length === 0 && old ? ["<none>:<none>"] : tags,
    SharedSize: options.sharedSize ?? -1,
    Size: options.size,
  };
  if (old) out.VirtualSize = options.size;
  return out;
}

/** The Config object of inspect: OCI fields, plus the legacy container fields for API < 1.50. */
function configView(
  config: ImageConfig,
  version: string,
): Record<string, unknown> {
  return containerConfigView(config.config ?? {}, version);
}

/** An image's Config or legacy ContainerConfig as inspect shows it at `version`. */
function containerConfigView(
  c: ContainerConfig,
  version: string,
): Record<string, unknown> {
  const base: Record<string, unknown> = {
    ...c,
    Env: c.Env ?? null,
    Cmd: c.Cmd ?? null,
    WorkingDir: c.WorkingDir ?? "",
    Entrypoint: c.Entrypoint ?? null,
    OnBuild: c.OnBuild ?? null,
    Labels: c.Labels ?? null,
  };
  if (!versionLessThan(version, "1.50")) return base;
  // compat: before API 1.50 the image Config carried the whole container config shape.
  return {
    Hostname: "",
    Domainname: "",
    User: "",
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    Tty: false,
    OpenStdin: false,
    StdinOnce: false,
    Image: "",
    // compat: dockerd sends Volumes null when the image declares none.
    Volumes: null,
    ...base,
  };
}

/** Builds the ImageInspect body. */
export function inspectView(
  store: ImageStore,
  id: Digest,
  options: {
    size: number;
    version: string;
    driver: string;
    paths: SnapshotPaths | undefined;
  },
): ImageInspect {
  const config = store.config(id);
  const { tags, digests } = repoNames(store, id);
  const p = options.paths;
  const out: ImageInspect = {
    Id: id,
    RepoTags: tags,
    RepoDigests: digests,
    Parent: store.record(id)?.parent ?? "",
    Comment: config.comment ?? "",
    Created: config.created ?? "",
    DockerVersion: config.docker_version ?? "",
    Author: config.author ?? "",
    Config: configView(config, options.version),
    Architecture: config.architecture,
    Os: config.os,
    Size: options.size,
    GraphDriver: {
      Name: options.driver,
      Data: p
        ? {
            LowerDir: p.lowerDir,
            MergedDir: p.mergedDir,
            UpperDir: p.upperDir,
            WorkDir: p.workDir,
          }
        : null,
    },
    RootFS: { Type: "layers", Layers: config.rootfs.diff_ids },
    // compat: Go's zero time when the image was never tagged.
    Metadata: {
      LastTagTime: store.record(id)?.lastTagTime ?? "0001-01-01T00:00:00Z",
    },
  };
  if (!p?.lowerDir && out.GraphDriver.Data)
    delete out.GraphDriver.Data.LowerDir;
  if (config.variant !== undefined) out.Variant = config.variant;
  if (config["os.version"] !== undefined) out.OsVersion = config["os.version"];
  if (versionLessThan(options.version, "1.44")) out.VirtualSize = options.size;
  // compat: before API 1.45 inspect has the committing container's id and
  // config (moby's legacy "container" and "container_config"; "" and an
  // empty config for images not made by commit or build).
  if (versionLessThan(options.version, "1.45")) {
    const legacy = config.container_config as ContainerConfig | undefined;
    Object.assign(out, {
      Container: typeof config.container === "string" ? config.container : "",
      ContainerConfig: containerConfigView(legacy ?? {}, options.version),
    });
  }
  return out;
}

/**
 * Builds the history rows, newest first: the newest entry carries the image
 * id and tags, older ones "<missing>" (moby's image history without parents).
 */
export function historyView(
  store: ImageStore,
  id: Digest,
  layerSizes: number[],
): ImageHistoryItem[] {
  const config = store.config(id);
  const history = config.history ?? [];
  const rows: ImageHistoryItem[] = [];
  let layer = 0;
  for (const h of history) {
    const size = h.empty_layer ? 0 : (layerSizes[layer++] ?? 0);
    rows.push({
      Comment: h.comment ?? "",
      Created: h.created ? Math.floor(Date.parse(h.created) / 1000) : 0,
      CreatedBy: h.created_by ?? "",
      Id: "<missing>",
      Size: size,
      Tags: null,
    });
  }
  rows.reverse();
  const top = rows[0];
  if (top) {
    top.Id = id;
    const { tags } = repoNames(store, id);
    top.Tags = tags.length ? tags : null;
  }
  return rows;
}
