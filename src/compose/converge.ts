/**
 * Carrying out one service's plan: remove extra replicas, recreate diverged
 * containers (stop, rename the old one aside, create the new one, remove the
 * old), create missing ones, connect their extra networks, and start them.
 */
import type { ContainerSummary } from "../client/index.ts";
import { runHooks } from "./hooks.ts";
import {
  containerName,
  containerLabels,
  defaultImage,
  LABEL,
} from "./labels.ts";
import { injectSecrets } from "./secrets.ts";
import { createBody, endpoint, serviceNetworks } from "./create-body.ts";
import type { Service } from "./model.ts";
import { planService, type ContainerAction } from "./plan.ts";
import type { ApplyContext } from "./resources.ts";
import { nameOf, serviceOf } from "./state.ts";

/** Options of convergeService. */
export type ConvergeOptions = {
  replicas: number;
  imageId?: string | undefined;
  forceRecreate?: boolean;
  noRecreate?: boolean;
  noStart?: boolean;
  timeout?: number | undefined;
  /** -V: recreated containers get new anonymous volumes. */
  renewAnonVolumes?: boolean;
  /** Called when a container of the service is recreated. */
  onRecreate?: () => void;
};

/** Creates one replica (and connects its other networks); resolves with its id. */
export async function createReplica(
  ctx: ApplyContext,
  service: Service,
  options: {
    number: number;
    name: string;
    oneoff?: boolean;
    imageId?: string | undefined;
    override?: (body: ReturnType<typeof createBody>) => void;
    /** Anonymous volumes of the container this one replaces, by target (kept unless -V). */
    inherit?: Map<string, string>;
    /** False for `run` without --use-aliases: no network aliases. */
    aliases?: boolean;
  },
): Promise<string> {
  const { client, project } = ctx;
  const body = createBody(project, service, {
    image: defaultImage(project.name, service),
    name: options.name,
    labels: containerLabels(project, service, {
      number: options.number,
      ...(options.oneoff ? { oneoff: true } : {}),
      ...(options.imageId ? { imageId: options.imageId } : {}),
    }),
  });
  inheritVolumes(body, options.inherit);
  options.override?.(body);
  const { Id } = await client.containers.create(body, { name: options.name });
  try {
    if (!service.network_mode)
      for (const [key, net] of serviceNetworks(service).slice(1))
        await client.networks.connect(
          project.networks[key]?.name ?? key,
          Id,
          endpoint(service, net, options.aliases !== false),
        );
    await injectSecrets(client, project, service, Id);
  } catch (err) {
    // nothing half-made: the container goes when it cannot be completed
    await client.containers.remove(Id, { force: true }).catch(() => undefined);
    throw err;
  }
  return Id;
}

/** compat: compose v2 keeps the replaced container's anonymous volumes (service ones and the image's VOLUMEs) by mounting them again by name. */
function inheritVolumes(
  body: ReturnType<typeof createBody>,
  inherit: Map<string, string> | undefined,
): void {
  if (!inherit?.size) return;
  const host = (body.HostConfig ??= {});
  const mounts = (host.Mounts ??= []) as {
    Type: string;
    Source?: string;
    Target: string;
  }[];
  const seen = new Set<string>();
  for (const m of mounts)
    if (m.Type === "volume" && !m.Source && inherit.has(m.Target)) {
      m.Source = inherit.get(m.Target) ?? "";
      seen.add(m.Target);
    }
  const taken = new Set(mounts.map((m) => m.Target));
  for (const [target, name] of inherit)
    if (!seen.has(target) && !taken.has(target))
      mounts.push({ Type: "volume", Source: name, Target: target });
}

/** The anonymous volumes of a container (by mount target): volumes whose name is not one of the project's. */
export async function anonymousVolumes(
  ctx: ApplyContext,
  id: string,
): Promise<Map<string, string>> {
  const named = new Set(Object.values(ctx.project.volumes).map((v) => v.name));
  const info = await ctx.client.containers.inspect(id);
  const out = new Map<string, string>();
  for (const m of (info.Mounts ?? []) as {
    Type?: string;
    Name?: string;
    Destination?: string;
  }[])
    if (m.Type === "volume" && m.Name && m.Destination && !named.has(m.Name))
      out.set(m.Destination, m.Name);
  return out;
}

async function stopAndRemove(
  ctx: ApplyContext,
  c: ContainerSummary,
  timeout: number | undefined,
): Promise<void> {
  const name = nameOf(c);
  if (c.State === "running")
    await runHooks(
      ctx.client,
      ctx.project.services[serviceOf(c)],
      "pre_stop",
      c.Id,
    );
  if (c.State === "running" || c.State === "paused" || c.State === "restarting")
    await ctx.progress.step("Container", name, ["Stopping", "Stopped"], () =>
      ctx.client.containers.stop(
        c.Id,
        timeout === undefined ? {} : { timeout },
      ),
    );
  await ctx.progress.step("Container", name, ["Removing", "Removed"], () =>
    ctx.client.containers.remove(c.Id, { force: true, volumes: true }),
  );
}

async function act(
  ctx: ApplyContext,
  service: Service,
  a: ContainerAction,
  options: ConvergeOptions,
): Promise<string | undefined> {
  const { client, progress, project } = ctx;
  const create = (n: number, inherit?: Map<string, string>): Promise<string> =>
    createReplica(ctx, service, {
      number: n,
      name:
        service.container_name ?? containerName(project.name, service.name, n),
      imageId: options.imageId,
      ...(inherit ? { inherit } : {}),
    });
  switch (a.kind) {
    case "remove":
      await stopAndRemove(ctx, a.container, options.timeout);
      return undefined;
    case "keep":
      if (a.running)
        progress.event("Container", nameOf(a.container), "Running");
      return a.running ? undefined : a.container.Id;
    case "create":
      return progress.step(
        "Container",
        service.container_name ??
          containerName(project.name, service.name, a.number),
        ["Creating", "Created"],
        () => create(a.number),
      );
    case "recreate": {
      const old = a.container;
      const name = nameOf(old);
      progress.event("Container", name, "Recreate");
      const inherit = options.renewAnonVolumes
        ? new Map<string, string>()
        : await anonymousVolumes(ctx, old.Id);
      if (old.State === "running")
        await runHooks(client, service, "pre_stop", old.Id);
      if (
        old.State === "running" ||
        old.State === "paused" ||
        old.State === "restarting"
      )
        await client.containers.stop(
          old.Id,
          options.timeout === undefined ? {} : { timeout: options.timeout },
        );
      // compat: compose v2 moves the old container aside under "<id12>_<name>" until the new one exists
      await client.containers.rename(old.Id, `${old.Id.slice(0, 12)}_${name}`);
      let id: string;
      try {
        id = await create(a.number, inherit);
      } catch (err) {
        await client.containers.rename(old.Id, name).catch(() => undefined);
        throw err;
      }
      // the inherited volumes are the new container's now: only the others go
      await client.containers.remove(old.Id, {
        force: true,
        volumes: inherit.size === 0,
      });
      progress.event("Container", name, "Recreated");
      options.onRecreate?.();
      return id;
    }
  }
}

/** Converges one service; resolves with the ids of its containers that must be started. */
export async function convergeService(
  ctx: ApplyContext,
  service: Service,
  existing: ContainerSummary[],
  options: ConvergeOptions,
): Promise<string[]> {
  const actions = planService({
    hash:
      containerLabels(ctx.project, service, { number: 0 })[
        "com.docker.compose.config-hash"
      ] ?? "",
    imageId: options.imageId,
    existing,
    replicas: options.replicas,
    ...(options.forceRecreate ? { forceRecreate: true } : {}),
    ...(options.noRecreate ? { noRecreate: true } : {}),
  });
  const toStart: string[] = [];
  // removals first (highest number first), then the rest in parallel
  for (const a of actions.filter((x) => x.kind === "remove"))
    await act(ctx, service, a, options);
  const ids = await Promise.all(
    actions
      .filter((x) => x.kind !== "remove")
      .map((a) => act(ctx, service, a, options)),
  );
  for (const id of ids) if (id) toStart.push(id);
  return toStart;
}

/** Starts containers with progress lines. */
export async function startContainers(
  ctx: ApplyContext,
  ids: string[],
): Promise<void> {
  await Promise.all(
    ids.map(async (id) => {
      const info = await ctx.client.containers.inspect(id);
      const name = info.Name.replace(/^\//, "");
      await ctx.progress.step("Container", name, ["Starting", "Started"], () =>
        ctx.client.containers.start(id),
      );
      const labels = info.Config.Labels;
      await runHooks(
        ctx.client,
        ctx.project.services[labels?.[LABEL.service] ?? ""],
        "post_start",
        id,
      );
    }),
  );
}
