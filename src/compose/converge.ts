/**
 * Carrying out one service's plan: remove extra replicas, recreate diverged
 * containers (stop, rename the old one aside, create the new one, remove the
 * old), create missing ones, connect their extra networks, and start them.
 */
import type { ContainerSummary } from "../client/index.ts";
import { containerName, containerLabels, defaultImage } from "./labels.ts";
import { createBody, endpoint, serviceNetworks } from "./create-body.ts";
import type { Service } from "./model.ts";
import { planService, type ContainerAction } from "./plan.ts";
import type { ApplyContext } from "./resources.ts";
import { nameOf } from "./state.ts";

/** Options of convergeService. */
export type ConvergeOptions = {
  replicas: number;
  imageId?: string | undefined;
  forceRecreate?: boolean;
  noRecreate?: boolean;
  noStart?: boolean;
  timeout?: number | undefined;
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
  options.override?.(body);
  const { Id } = await client.containers.create(body, { name: options.name });
  if (!service.network_mode)
    for (const [key, net] of serviceNetworks(service).slice(1))
      await client.networks.connect(
        project.networks[key]?.name ?? key,
        Id,
        endpoint(service, net),
      );
  return Id;
}

async function stopAndRemove(
  ctx: ApplyContext,
  c: ContainerSummary,
  timeout: number | undefined,
): Promise<void> {
  const name = nameOf(c);
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
  const create = (n: number): Promise<string> =>
    createReplica(ctx, service, {
      number: n,
      name:
        service.container_name ?? containerName(project.name, service.name, n),
      imageId: options.imageId,
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
        id = await create(a.number);
      } catch (err) {
        await client.containers.rename(old.Id, name).catch(() => undefined);
        throw err;
      }
      await client.containers.remove(old.Id, { force: true, volumes: true });
      progress.event("Container", name, "Recreated");
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
      const name = (await ctx.client.containers.inspect(id)).Name.replace(
        /^\//,
        "",
      );
      await ctx.progress.step("Container", name, ["Starting", "Started"], () =>
        ctx.client.containers.start(id),
      );
    }),
  );
}
