import type { Readable } from "node:stream";
import type { CommitOptions } from "../../api/container-requests.ts";
import type { ContainerConfig as ApiConfig } from "../../api/containers.ts";
import type { ContainerConfig as ImageRuntimeConfig } from "../../oci/image.ts";
import { applyChanges } from "../images/index.ts";
import { runtimePathFilter } from "./changes.ts";
import { publish, type ContainerDeps } from "./deps.ts";
import { pause, unpause, type PauseDeps } from "./pause.ts";
import type { ContainerRecord } from "./record.ts";
import { rootfsOptions } from "./userns.ts";

/** POST /commit options (query) plus the body's config overrides. */
export type CommitRequest = CommitOptions;

/**
 * docker commit (moby's CreateImageFromContainer): the container's layer
 * diff (runtime mount targets left out, as Docker's init layer does)
 * becomes one layer over its image; the new config is the body's config
 * with `changes` applied, gaps filled from the container's config
 * (moby's merge). A running container is frozen while the layer is read
 * unless pause=false. Publishes the container event "commit". Returns the
 * image id. Throws InvalidArgumentError for a bad change, repo or tag.
 */
export async function commitContainer(
  core: PauseDeps & Pick<ContainerDeps, "images">,
  ref: string,
  req: CommitRequest,
): Promise<string> {
  const r = core.store.resolve(ref);
  const freeze = req.pause && r.state.status === "running";
  const config = mergeConfig(
    applyChanges(toImageConfig(changesBase(req.config, r)), req.changes),
    r.config,
  );
  if (freeze) await pause(core, r.id);
  let tar: Readable | undefined;
  let id: string;
  try {
    tar = await core.images.rootfsDiff(r.id, {
      skip: runtimePathFilter(r),
      ...rootfsOptions(r),
    });
    id = await core.images.commit(tar, {
      parentImageId: r.imageId,
      config,
      containerConfig: { ...r.config },
      containerId: r.id,
      createdBy: (r.config.Cmd ?? []).join(" "),
      ...(req.author ? { author: req.author } : {}),
      ...(req.comment ? { comment: req.comment } : {}),
      ...(req.repo ? { repo: req.repo } : {}),
      ...(req.tag ? { tag: req.tag } : {}),
    });
    // compat: moby logs "commit" before its deferred unpause.
    publish(core, r, "commit", {
      comment: req.comment ?? "",
      imageID: id,
      imageRef: req.repo ? `${req.repo}:${req.tag || "latest"}` : "",
    });
  } catch (err) {
    tar?.destroy();
    throw err;
  } finally {
    // The container may have exited meanwhile: nothing to unfreeze then.
    if (freeze) await unpause(core, r.id).catch(() => undefined);
  }
  return id;
}

/**
 * The config `changes` apply to (moby's CreateImageFromContainer): the
 * body's config when it sets any config field, else the container's own,
 * so `ENV PATH=/x:$PATH` expands from the container's Env and edits it in
 * place. compat: Go decodes the body into a wrapper embedding *Config, which
 * stays nil for no body, `null`, `{}` or a body with only HostConfig.
 */
function changesBase(
  body: Partial<ApiConfig> | undefined,
  r: ContainerRecord,
): Partial<ApiConfig> {
  const own = Object.keys(body ?? {}).filter(
    (k) => k !== "HostConfig" && k !== "NetworkingConfig",
  );
  return own.length ? body! : r.config;
}

/** The image-config fields of an API config (the body of POST /commit). */
function toImageConfig(c: Partial<ApiConfig>): ImageRuntimeConfig {
  const out: ImageRuntimeConfig = {};
  if (c.User) out.User = c.User;
  if (c.ExposedPorts) out.ExposedPorts = c.ExposedPorts;
  if (c.Env?.length) out.Env = c.Env;
  if (c.Entrypoint?.length) out.Entrypoint = c.Entrypoint;
  if (c.Cmd?.length) out.Cmd = c.Cmd;
  if (c.Volumes) out.Volumes = c.Volumes;
  if (c.WorkingDir) out.WorkingDir = c.WorkingDir;
  if (c.Labels) out.Labels = c.Labels;
  if (c.StopSignal) out.StopSignal = c.StopSignal;
  if (c.OnBuild?.length) out.OnBuild = c.OnBuild;
  if (c.Shell?.length) out.Shell = c.Shell;
  return out;
}

/** moby daemon/commit.go merge(): fills what the user did not set from the container's config. */
export function mergeConfig(
  user: ImageRuntimeConfig,
  ctr: ApiConfig,
): ImageRuntimeConfig {
  const out: ImageRuntimeConfig = { ...user };
  if (!out.User && ctr.User) out.User = ctr.User;
  const ports = { ...ctr.ExposedPorts, ...out.ExposedPorts };
  if (Object.keys(ports).length) out.ExposedPorts = ports;
  const env = [...(out.Env ?? [])];
  const keys = new Set(env.map((e) => e.split("=")[0]));
  for (const e of ctr.Env ?? []) if (!keys.has(e.split("=")[0])) env.push(e);
  if (env.length) out.Env = env;
  out.Labels = { ...ctr.Labels, ...out.Labels };
  if (!out.Entrypoint?.length) {
    if (!out.Cmd?.length && ctr.Cmd) out.Cmd = ctr.Cmd;
    if (out.Entrypoint === undefined && ctr.Entrypoint)
      out.Entrypoint = ctr.Entrypoint;
  }
  if (!out.WorkingDir && ctr.WorkingDir) out.WorkingDir = ctr.WorkingDir;
  const volumes = { ...ctr.Volumes, ...out.Volumes };
  if (Object.keys(volumes).length) out.Volumes = volumes;
  if (!out.StopSignal && ctr.StopSignal) out.StopSignal = ctr.StopSignal;
  if (!out.OnBuild?.length && ctr.OnBuild?.length) out.OnBuild = ctr.OnBuild;
  return out;
}
