import { mkdir, rm } from "node:fs/promises";
import type {
  ContainerConfig,
  ContainerCreateBody,
  ContainerCreateResponse,
  HostConfig,
} from "../../api/containers.ts";
import type { ImageRuntimeConfig } from "../images/index.ts";
import { InvalidArgumentError, NotFoundError } from "../../util/errors.ts";
import { newId, randomName } from "../../util/ids.ts";
import { parseSecurityOpt } from "../../security/index.ts";
import { fault } from "../../util/fault.ts";
import { allOrFirstError } from "../../util/promises.ts";
import { nowRfc3339, publish, type ContainerDeps } from "./deps.ts";

/** What create uses: the records, the image and mounts to check and prepare, networking, the runtime names. */
export type CreateDeps = Pick<
  ContainerDeps,
  | "store"
  | "events"
  | "images"
  | "mounts"
  | "networking"
  | "runtimeName"
  | "runtimeNames"
  | "userns"
>;
import {
  checkContainerName,
  createdState,
  type ContainerRecord,
} from "./record.ts";
import { mergeHealthcheck, validateHealthcheck } from "./health.ts";
import { checkHostConfig } from "./host-config-checks.ts";
import { canonicalLinks, userDefinedMode } from "./links.ts";
import { validateRestartPolicy } from "./restart-policy.ts";
import { parseSignal } from "./signals.ts";
import { containerMappings } from "./userns.ts";

/**
 * Creates a container: validates the body, resolves the image, merges the
 * image config as Docker does, reserves the name, prepares the writable
 * layer and saves the record. Throws NotFoundError("No such image: …"),
 * ConflictError for a taken name, InvalidArgumentError for a bad body.
 */
export async function createContainer(
  core: CreateDeps,
  body: ContainerCreateBody,
  options: { name?: string; platform?: string } = {},
): Promise<ContainerCreateResponse> {
  if (!body.Image)
    throw new InvalidArgumentError(
      "Config cannot be empty in order to create a container",
    );
  if (options.name !== undefined && options.name !== "")
    checkContainerName(options.name);
  const image = await core.images.resolve(body.Image);
  checkPlatform(body.Image, image.platform, options.platform);
  checkEnv(body.Env);
  const id = newId();
  const hostConfig = defaultHostConfig(body.HostConfig ?? {});
  validateHostConfig(hostConfig);
  checkLinkedContainers(core, hostConfig);
  const checkWarnings = checkHostConfig(hostConfig, body, {
    runtime: core.runtimeName,
    runtimes: core.runtimeNames(),
  });
  const idMappings = containerMappings(hostConfig, core.userns);
  // compat: inspect shows the runtime that runs the container ("runc" in Docker).
  if (!hostConfig.Runtime) hostConfig.Runtime = core.runtimeName;
  validateRestartPolicy(hostConfig.RestartPolicy);
  validateHealthcheck(body.Healthcheck);
  const config = mergeConfig(body, image.config, id);
  if (config.StopSignal) parseSignal(config.StopSignal);
  const [path, ...args] = [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])];
  if (path === undefined)
    throw new InvalidArgumentError("no command specified");
  let name = options.name ? `/${options.name.replace(/^\//, "")}` : "";
  if (!name) {
    do name = `/${randomName()}`;
    while (tryResolve(core, name));
  }
  const links = hostConfig.Links;
  // compat: legacy links belong to the default bridge; on a user-defined
  // network they live in the endpoint (EndpointSettings.Links: DNS only) and
  // HostConfig.Links reads back null (moby's registerLinks skips them).
  if (Array.isArray(links) && links.length)
    hostConfig.Links = userDefinedMode(hostConfig.NetworkMode)
      ? null
      : canonicalLinks(core, links as string[], name);
  core.store.reserveName(name, id);
  let warnings: string[];
  const r: ContainerRecord = {
    schema: 1,
    id,
    name,
    created: nowRfc3339(),
    imageId: image.id,
    path,
    args,
    config,
    hostConfig,
    state: createdState(),
    restartCount: 0,
    stoppedByUser: false,
    ...(idMappings ? { idMappings } : {}),
  };
  try {
    await core.mounts.resolve(r);
    // The sandbox record and the writable layer are independent (each
    // ends in an fsync): make them together; a failure undoes both below.
    [warnings] = await allOrFirstError([
      core.networking.create(r, body),
      (async () => {
        await mkdir(core.store.dirOf(id), { recursive: true, mode: 0o710 });
        await core.images.prepareRootfs(id, image.id);
      })(),
    ] as const);
    fault("create:layer");
    await core.store.save(r);
  } catch (err) {
    await core.mounts.remove(r, { removeVolumes: true }).catch(() => undefined);
    core.store.releaseName(name, id);
    await core.networking.remove(r).catch(() => undefined);
    await core.images.removeRootfs(id).catch(() => undefined);
    await rm(core.store.dirOf(id), { recursive: true, force: true });
    throw err;
  }
  publish(core, r, "create");
  return {
    Id: id,
    Warnings: [...checkWarnings, ...warnings],
  };
}

/**
 * compat: dockerd 28 refuses a `platform` the local image does not match
 * (404, so that `docker run` pulls). Compares the parts the request names.
 */
function checkPlatform(
  ref: string,
  actual: string | undefined,
  wanted: string | undefined,
): void {
  if (!wanted || !actual) return;
  const want = wanted.toLowerCase().split("/");
  const have = actual.split("/");
  if (want.every((p, i) => !p || p === have[i])) return;
  throw new NotFoundError(
    `image with reference ${ref} was found but its platform (${actual}) does not match the specified platform (${wanted})`,
  );
}

/** compat: moby's opts.ValidateEnv: an entry needs a name before "=". */
function checkEnv(env: string[] | null | undefined): void {
  for (const e of env ?? [])
    if (e.split("=")[0] === "")
      throw new InvalidArgumentError(`invalid environment variable: ${e}`);
}

/**
 * Links and --volumes-from must name existing containers. compat: dockerd
 * answers 400 (not 404, which clients read as "no such image").
 */
function checkLinkedContainers(
  core: Pick<ContainerDeps, "store">,
  hc: HostConfig,
): void {
  for (const link of (hc.Links as string[] | null | undefined) ?? []) {
    const name = link.split(":")[0]!.replace(/^\//, "");
    if (!tryResolve(core, name))
      throw new InvalidArgumentError(
        `could not get container for ${name}: No such container: ${name}`,
      );
  }
  for (const spec of (hc.VolumesFrom as string[] | null | undefined) ?? []) {
    const ref = spec.split(":")[0]!;
    if (!tryResolve(core, ref))
      throw new InvalidArgumentError(`No such container: ${ref}`);
  }
}

function tryResolve(core: Pick<ContainerDeps, "store">, name: string): boolean {
  try {
    core.store.resolve(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * Merges the create body with the image config (moby daemon/create.go and
 * container.merge): Env by key, Labels by key, Entrypoint/Cmd by Docker's
 * override rule, WorkingDir/User/StopSignal/Volumes/ExposedPorts defaults.
 */
export function mergeConfig(
  body: ContainerCreateBody,
  img: ImageRuntimeConfig,
  id: string,
): ContainerConfig {
  // compat: the body's Env as sent, then the image's entries whose name it
  // does not set (moby's merge), so `-e FOO=1` comes before the image's PATH.
  const own = new Set((body.Env ?? []).map((e) => e.split("=")[0]));
  const env = [
    ...(body.Env ?? []),
    ...(img.Env ?? []).filter((e) => !own.has(e.split("=")[0])),
  ];
  // compat: an explicit Entrypoint (even [""]) drops the image's Cmd too.
  let entrypoint: string[] | null;
  let cmd: string[] | null;
  if (body.Entrypoint !== undefined && body.Entrypoint !== null) {
    entrypoint =
      body.Entrypoint.length === 1 && body.Entrypoint[0] === ""
        ? null
        : body.Entrypoint;
    cmd = body.Cmd && body.Cmd.length ? body.Cmd : null;
  } else {
    entrypoint =
      img.Entrypoint && img.Entrypoint.length ? img.Entrypoint : null;
    cmd = body.Cmd && body.Cmd.length ? body.Cmd : (img.Cmd ?? null);
  }
  const config: ContainerConfig = {
    Hostname: body.Hostname || id.slice(0, 12),
    Domainname: body.Domainname ?? "",
    User: body.User || img.User || "",
    AttachStdin: body.AttachStdin ?? false,
    AttachStdout: body.AttachStdout ?? false,
    AttachStderr: body.AttachStderr ?? false,
    Tty: body.Tty ?? false,
    OpenStdin: body.OpenStdin ?? false,
    StdinOnce: body.StdinOnce ?? false,
    Env: env.length ? env : null,
    Cmd: cmd,
    Image: body.Image!,
    Volumes: { ...(img.Volumes ?? {}), ...(body.Volumes ?? {}) },
    WorkingDir: body.WorkingDir || img.WorkingDir || "",
    Entrypoint: entrypoint,
    OnBuild: null,
    Labels: { ...(img.Labels ?? {}), ...(body.Labels ?? {}) },
  };
  if (!Object.keys(config.Volumes!).length) config.Volumes = null;
  const exposed = { ...(img.ExposedPorts ?? {}), ...(body.ExposedPorts ?? {}) };
  if (Object.keys(exposed).length) config.ExposedPorts = exposed;
  const stopSignal = body.StopSignal || img.StopSignal;
  if (stopSignal) config.StopSignal = stopSignal;
  if (body.StopTimeout !== undefined && body.StopTimeout !== null)
    config.StopTimeout = body.StopTimeout;
  const health = mergeHealthcheck(body.Healthcheck, img.Healthcheck);
  if (health) config.Healthcheck = health;
  return config;
}

/** HostConfig with Docker's defaults for what the client left out. */
export function defaultHostConfig(hc: Partial<HostConfig>): HostConfig {
  return {
    ...hc,
    Binds: hc.Binds ?? null,
    NetworkMode:
      !hc.NetworkMode || hc.NetworkMode === "default"
        ? "bridge"
        : hc.NetworkMode,
    RestartPolicy: hc.RestartPolicy ?? { Name: "no", MaximumRetryCount: 0 },
    AutoRemove: hc.AutoRemove ?? false,
    Privileged: hc.Privileged ?? false,
    ReadonlyRootfs: hc.ReadonlyRootfs ?? false,
    CapAdd: hc.CapAdd ?? null,
    CapDrop: hc.CapDrop ?? null,
    Init: hc.Init ?? null,
    Memory: hc.Memory ?? 0,
    CpuShares: hc.CpuShares ?? 0,
    // compat: moby's create router drops a PidsLimit of 0 or less (unlimited).
    PidsLimit: hc.PidsLimit && hc.PidsLimit > 0 ? hc.PidsLimit : null,
    ShmSize: hc.ShmSize || 64 * 1024 * 1024,
    Ulimits: hc.Ulimits ?? null,
    Dns: hc.Dns ?? [],
    DnsSearch: hc.DnsSearch ?? [],
    DnsOptions: hc.DnsOptions ?? [],
    ExtraHosts: hc.ExtraHosts ?? null,
  };
}

function validateHostConfig(hc: HostConfig): void {
  parseSecurityOpt(hc.SecurityOpt as string[] | undefined);
  if (
    hc.AutoRemove &&
    hc.RestartPolicy.Name !== "no" &&
    hc.RestartPolicy.Name !== ""
  )
    throw new InvalidArgumentError(
      "can't create 'AutoRemove' container with restart policy",
    );
  if (hc.Memory > 0 && hc.Memory < 6 * 1024 * 1024)
    throw new InvalidArgumentError("Minimum memory limit allowed is 6MB");
}
