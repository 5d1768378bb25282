import { untilMillis } from "../../conventions/filters.ts";
import type {
  ContainerInspect,
  ContainerPruneResponse,
  ContainerSummary,
} from "../../api/containers.ts";
import { InvalidArgumentError, errorMessage } from "../../util/errors.ts";
import { logTargetOf, type ContainerDeps } from "./deps.ts";
import { remove, type RemoveDeps } from "./remove.ts";

/** What ps and inspect read: the records, their images, networking, execs and log paths. */
export type ListDeps = Pick<
  ContainerDeps,
  "store" | "images" | "networking" | "execs" | "logging"
>;
import { hostFilePaths } from "./host-files.ts";
import { isRunning, type ContainerRecord } from "./record.ts";
import { inspectView, labelMatches, listFilter, summaryView } from "./view.ts";
import { rootfsPathsOf } from "./rootfs-paths.ts";

/** The fields of a ps Ports row the publish filter reads. */
type PortView = { PublicPort?: number; Type?: string };

/** Options of GET /containers/json. */
export type ListOptions = {
  all?: boolean;
  limit?: number;
  size?: boolean;
  filters?: Record<string, string[]>;
};

/** docker ps. Throws InvalidArgumentError for bad filters. */
export async function listContainers(
  core: ListDeps,
  options: ListOptions,
): Promise<ContainerSummary[]> {
  const filters = options.filters ?? {};
  const ancestors = new Set<string>();
  for (const ref of filters.ancestor ?? [])
    ancestors.add(
      await core.images.resolve(ref).then(
        (i) => i.id,
        () => ref,
      ),
    );
  const keep = listFilter(filters, {
    resolve: (ref) => core.store.resolve(ref),
    imageMatches: (r, ref) =>
      r.config.Image === ref || ancestors.has(r.imageId),
    networksOf: (r) => {
      const nets = (core.networking.view(r)?.settings.Networks ?? {}) as Record<
        string,
        { NetworkID?: string }
      >;
      return Object.entries(nets).flatMap(([name, n]) =>
        n.NetworkID ? [name, n.NetworkID] : [name],
      );
    },
    publishedOf: (r) =>
      ((core.networking.view(r)?.ports ?? []) as PortView[]).flatMap((p) =>
        p.PublicPort ? [`${p.PublicPort}/${p.Type ?? "tcp"}`] : [],
      ),
  });
  const all =
    options.all === true ||
    (options.limit ?? 0) > 0 ||
    filters.status !== undefined;
  let rows = core.store
    .all()
    .filter(
      (r) =>
        (all || isRunning(r) || r.state.status === "restarting") && keep(r),
    )
    .sort((a, b) => (a.created < b.created ? 1 : -1));
  if ((options.limit ?? 0) > 0) rows = rows.slice(0, options.limit);
  const out: ContainerSummary[] = [];
  for (const r of rows)
    out.push(
      summaryView(
        r,
        options.size ? await sizeOf(core, r) : undefined,
        core.networking.view(r),
      ),
    );
  return out;
}

/** docker inspect. Throws NotFoundError("No such container: ref"). */
export async function inspectContainer(
  core: ListDeps,
  ref: string,
  options: { size?: boolean } = {},
): Promise<ContainerInspect> {
  const r = core.store.resolve(ref);
  const files = hostFilePaths(core.store.dirOf(r.id));
  return inspectView(r, {
    paths: { ...files, logPath: core.logging.logPath(logTargetOf(core, r)) },
    execIds: core.execs.idsOf(r.id),
    rootfs: await rootfsPathsOf(core.images, r).catch(() => undefined),
    ...(options.size ? { size: await sizeOf(core, r) } : {}),
    network: core.networking.view(r),
  });
}

/**
 * docker container prune: removes stopped containers matching until/label
 * filters (failures are logged and skipped).
 */
export async function pruneContainers(
  core: RemoveDeps,
  filters: Record<string, string[]> = {},
): Promise<ContainerPruneResponse> {
  for (const k of Object.keys(filters))
    if (k !== "until" && k !== "label" && k !== "label!")
      throw new InvalidArgumentError(`invalid filter '${k}'`);
  const until = filters.until?.[0];
  const untilMs = until ? untilMillis(until) : undefined;
  const deleted: string[] = [];
  let reclaimed = 0;
  for (const r of core.store.all()) {
    if (isRunning(r)) continue;
    if (untilMs !== undefined && Date.parse(r.created) >= untilMs) continue;
    if (!(filters.label ?? []).every((l) => labelMatches(r.config.Labels, l)))
      continue;
    if ((filters["label!"] ?? []).some((l) => labelMatches(r.config.Labels, l)))
      continue;
    const size = await core.images.rootfsUsage(r.id).catch(() => 0);
    try {
      await remove(core, r.id, {});
      deleted.push(r.id);
      reclaimed += size;
    } catch (err) {
      core.log.warn("prune: cannot remove container", {
        id: r.id,
        err: errorMessage(err),
      });
    }
  }
  core.events.publish({
    type: "container",
    action: "prune",
    id: "",
    attributes: { reclaimed: String(reclaimed) },
  });
  // compat: Docker sends null when nothing was deleted.
  return {
    ContainersDeleted: deleted.length ? deleted : null,
    SpaceReclaimed: reclaimed,
  };
}

/** Container counts for /info. */
export function countContainers(core: Pick<ContainerDeps, "store">): {
  total: number;
  running: number;
  paused: number;
  stopped: number;
} {
  const all = core.store.all();
  const running = all.filter((r) => r.state.status === "running").length;
  const paused = all.filter((r) => r.state.status === "paused").length;
  return {
    total: all.length,
    running,
    paused,
    stopped: all.length - running - paused,
  };
}

async function sizeOf(
  core: Pick<ContainerDeps, "images">,
  r: ContainerRecord,
): Promise<{ rw: number; rootFs: number }> {
  const rw = await core.images.rootfsUsage(r.id).catch(() => 0);
  return { rw, rootFs: rw };
}
