/**
 * `up` (and `create`, which is `up --no-start`): networks and volumes first,
 * then images, then each service in dependency order (independent ones in
 * parallel): wait for its dependencies' conditions, converge its containers
 * (plan.ts), start them. Orphans (containers of services no longer in the
 * project) are removed with --remove-orphans, else reported.
 */
import type { ContainerSummary } from "../client/index.ts";
import { setTimeout as sleep } from "node:timers/promises";
import { waitCondition } from "./conditions.ts";
import { convergeService, startContainers } from "./converge.ts";
import { restartDependents } from "./dependents.ts";
import { ComposeError } from "./errors.ts";
import { ensureImage, type ImageOptions } from "./images.ts";
import type { Project, Service } from "./model.ts";
import { inDependencyOrder } from "./order.ts";
import { ensureNetwork, ensureVolume, type ApplyContext } from "./resources.ts";
import { nameOf, projectContainers, serviceOf } from "./state.ts";

/** Options of up. */
export type UpOptions = ImageOptions & {
  services?: string[];
  noDeps?: boolean;
  forceRecreate?: boolean;
  noRecreate?: boolean;
  noStart?: boolean;
  scale?: Record<string, number>;
  removeOrphans?: boolean;
  /** Stop timeout in seconds for recreated and removed containers. */
  timeout?: number;
  wait?: boolean;
  /** Seconds; 0 or undefined waits without limit. */
  waitTimeout?: number;
  /** -V: recreate anonymous volumes instead of keeping the old containers'. */
  renewAnonVolumes?: boolean;
};

/** The named services plus (unless noDeps) everything they depend on. Throws ComposeError for an unknown name. */
export function selectServices(
  project: Project,
  names: string[] | undefined,
  noDeps = false,
): string[] {
  if (!names?.length) return Object.keys(project.services);
  const out = new Set<string>();
  const add = (n: string): void => {
    if (out.has(n)) return;
    const s = project.services[n];
    if (!s) throw new ComposeError(`no such service: ${n}`);
    out.add(n);
    if (!noDeps)
      for (const d of Object.keys(s.depends_on ?? {}))
        if (project.services[d]) add(d);
  };
  names.forEach(add);
  return [...out];
}

/** How many replicas a service wants. */
export function replicasOf(
  service: Service,
  scale?: Record<string, number>,
): number {
  return (
    scale?.[service.name] ?? service.deploy?.replicas ?? service.scale ?? 1
  );
}

/** Brings the selected services up. Throws ComposeError or ClientError; what was done before a failure stays. */
export async function up(ctx: ApplyContext, options: UpOptions): Promise<void> {
  const { project } = ctx;
  const selected = selectServices(project, options.services, options.noDeps);
  for (const name of Object.keys(options.scale ?? {}))
    if (!project.services[name])
      throw new ComposeError(`no such service: ${name}`);
  const services = selected.map((n) => project.services[n] as Service);
  // images first (as compose v2): a missing image fails before networks and volumes exist
  const images = new Map<string, string | undefined>();
  for (const s of services.filter((x) => x.build))
    images.set(s.name, await ensureImage(ctx, s, options));
  await Promise.all(
    services
      .filter((x) => !x.build)
      .map(async (s) => images.set(s.name, await ensureImage(ctx, s, options))),
  );
  const nets = new Set(
    services.flatMap((s) =>
      s.network_mode ? [] : Object.keys(s.networks ?? {}),
    ),
  );
  for (const n of [...nets].sort()) await ensureNetwork(ctx, n);
  const vols = new Set(
    services.flatMap((s) =>
      (s.volumes ?? [])
        .filter((v) => v.type === "volume" && v.source)
        .map((v) => v.source as string),
    ),
  );
  await Promise.all([...vols].sort().map((v) => ensureVolume(ctx, v)));

  const existing = await projectContainers(ctx.client, project.name);
  await orphans(ctx, existing, options);
  const byService = new Map<string, ContainerSummary[]>();
  for (const c of existing)
    byService.set(serviceOf(c), [...(byService.get(serviceOf(c)) ?? []), c]);

  const recreated = new Set<string>();
  await inDependencyOrder(
    selected,
    (n) => Object.keys(project.services[n]?.depends_on ?? {}),
    async (name) => {
      const service = project.services[name] as Service;
      const ids = await convergeService(
        ctx,
        service,
        byService.get(name) ?? [],
        {
          replicas: replicasOf(service, options.scale),
          imageId: images.get(name),
          ...(options.forceRecreate ? { forceRecreate: true } : {}),
          ...(options.noRecreate ? { noRecreate: true } : {}),
          timeout: options.timeout,
          ...(options.renewAnonVolumes ? { renewAnonVolumes: true } : {}),
          onRecreate: () => recreated.add(name),
        },
      );
      if (options.noStart || ids.length === 0) return;
      for (const [dep, d] of Object.entries(service.depends_on ?? {}))
        if (project.services[dep]) await waitCondition(ctx, dep, d);
      await startContainers(ctx, ids);
    },
  );
  if (!options.noStart)
    await restartDependents(ctx, recreated, options.timeout);
  if (options.wait && !options.noStart)
    await waitRunning(ctx, selected, options.waitTimeout);
}

async function orphans(
  ctx: ApplyContext,
  existing: ContainerSummary[],
  options: UpOptions,
): Promise<void> {
  const known = new Set([
    ...Object.keys(ctx.project.services),
    ...Object.keys(ctx.project.disabledServices),
  ]);
  const found = existing.filter((c) => !known.has(serviceOf(c)));
  if (!found.length) return;
  if (!options.removeOrphans) {
    ctx.progress.line(
      `WARN[0000] Found orphan containers ([${found.map(nameOf).join(" ")}]) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.`,
    );
    return;
  }
  await Promise.all(
    found.map(async (c) => {
      const name = nameOf(c);
      if (c.State === "running")
        await ctx.progress.step(
          "Container",
          name,
          ["Stopping", "Stopped"],
          () => ctx.client.containers.stop(c.Id),
        );
      await ctx.progress.step("Container", name, ["Removing", "Removed"], () =>
        ctx.client.containers.remove(c.Id, { force: true }),
      );
    }),
  );
}

/** --wait: every container of the selected services running, and healthy when it has a healthcheck. */
async function waitRunning(
  ctx: ApplyContext,
  services: string[],
  timeoutSec?: number,
): Promise<void> {
  const deadline = timeoutSec ? Date.now() + timeoutSec * 1000 : Infinity;
  const containers = await projectContainers(ctx.client, ctx.project.name, {
    services,
  });
  await Promise.all(
    containers.map(async (c) => {
      const name = nameOf(c);
      ctx.progress.event("Container", name, "Waiting");
      for (;;) {
        const st = (await ctx.client.containers.inspect(c.Id)).State;
        if (st.Health?.Status === "unhealthy")
          throw new ComposeError(`container ${name} is unhealthy`);
        if (!st.Running && st.ExitCode !== 0)
          throw new ComposeError(`container ${name} exited (${st.ExitCode})`);
        if (st.Running && (!st.Health || st.Health.Status === "healthy")) break;
        if (!st.Running) break;
        if (Date.now() > deadline)
          throw new ComposeError(`timeout waiting for ${name}`);
        await sleep(250);
      }
      ctx.progress.event("Container", name, "Healthy");
    }),
  );
}
