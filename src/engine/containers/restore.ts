import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { errorMessage, isErrno } from "../../util/errors.ts";
import {
  bundleOf,
  nowRfc3339,
  publish,
  startLogCopier,
  type ContainerDeps,
  type RecordDeps,
} from "./deps.ts";
import { isRunning, type ContainerRecord } from "./record.ts";
import { handleExit, recordExit } from "./exits.ts";
import { removeRecord } from "./remove.ts";
import { release } from "./resources.ts";

/** What reconciling records with the runtime uses. */
export type ReconcileDeps = RecordDeps &
  Pick<
    ContainerDeps,
    "runtime" | "execRoot" | "images" | "releasers" | "logging" | "probes"
  >;

/**
 * Reconciles records with what conmon and the runtime say after a daemon
 * restart (including kill -9 at any moment):
 * - running records whose monitor lives stay running (and attachable);
 * - running records with an exit file get their real code and time;
 * - running records with neither were lost (reboot): exited with 255, as
 *   moby marks containers containerd no longer knows;
 * - half-made things are removed: data dirs without a record (and their
 *   layer), bundles without a record, runtime state of stopped records,
 *   mounts of stopped containers, dead exec bundles.
 * Returns the ids of exited AutoRemove containers for the caller to remove.
 */
export async function reconcile(
  core: ReconcileDeps,
  orphans: string[],
): Promise<string[]> {
  for (const id of orphans) {
    await core.runtime.remove(id, { force: true }).catch(() => undefined);
    await core.images.removeRootfs(id).catch(() => undefined);
    await rm(core.store.dirOf(id), { recursive: true, force: true });
  }
  for (const id of await list(join(core.execRoot, "containers")))
    if (!core.store.get(id)) {
      await core.runtime.remove(id, { force: true }).catch(() => undefined);
      await core.runtime.clearExitStatus(id);
      await rm(bundleOf(core, id), { recursive: true, force: true });
    }
  for (const execId of await list(join(core.execRoot, "execs"))) {
    const bundle = join(core.execRoot, "execs", execId);
    if (!(await core.runtime.monitorAlive(execId, { bundle })))
      await rm(bundle, { recursive: true, force: true });
  }
  const autoRemove: string[] = [];
  for (const r of core.store.all()) {
    try {
      await core.lock.run(r.id, () => reconcileOne(core, r));
    } catch (err) {
      core.log.warn("restore: cannot reconcile container", {
        id: r.id,
        err: errorMessage(err),
      });
    }
    if (
      r.hostConfig.AutoRemove &&
      !isRunning(r) &&
      r.state.status !== "created"
    )
      autoRemove.push(r.id);
  }
  return autoRemove;
}

async function reconcileOne(
  core: ReconcileDeps,
  r: ContainerRecord,
): Promise<void> {
  const bundle = bundleOf(core, r.id);
  if (r.state.status === "removing" || r.state.status === "dead") {
    r.state.status = "dead";
    return;
  }
  if (!isRunning(r)) {
    // A crash during start, exit or remove left what the list names (a
    // process the record does not know included): undo exactly that.
    if (r.resources?.length) {
      await release(r, core.releasers, core.log);
      await core.runtime.clearExitStatus(r.id);
      await core.store.save(r);
    }
    return;
  }
  if (await core.runtime.exitStatus(r.id, { bundle })) {
    await recordExit(core, r);
    return;
  }
  if (await core.runtime.monitorAlive(r.id, { bundle })) {
    const st = await core.runtime.state(r.id);
    if (st && (st.status === "running" || st.status === "paused")) {
      // The process lives on: its output goes to the driver again from
      // where the copier stopped.
      await startLogCopier(core, r).catch((err: unknown) =>
        core.log.warn("restore: cannot reopen the log driver", {
          id: r.id,
          err: errorMessage(err),
        }),
      );
      if (st.status !== r.state.status || st.pid !== r.state.pid) {
        r.state.status = st.status;
        r.state.pid = st.pid;
        await core.store.save(r);
      }
      return;
    }
    // The monitor is alive but the process ended; its exit file follows.
    return;
  }
  // No monitor and no exit file: the container was lost (e.g. a reboot).
  r.state = {
    ...r.state,
    status: "exited",
    pid: 0,
    exitCode: 255,
    finishedAt: nowRfc3339(),
  };
  await release(r, core.releasers, core.log);
  await core.store.save(r);
  publish(core, r, "die", { exitCode: "255" });
}

async function list(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if (isErrno(err, "ENOENT")) return [];
    throw err;
  }
}

/** Loads the records from disk (call once, before restoreContainers). */
export async function loadRecords(
  core: Pick<ContainerDeps, "store" | "log" | "mounts" | "boot">,
): Promise<void> {
  const loaded = await core.store.load();
  core.boot.orphans = loaded.orphans;
  for (const { id, dropped } of loaded.repaired)
    core.log.warn("container record had wrongly typed fields; dropped", {
      id,
      dropped,
    });
  for (const id of loaded.newer)
    core.log.warn("container record of a newer wharf; not loaded", { id });
  await core.mounts.restore(core.store.all(), isRunning);
}

/**
 * Reconciles records with conmon/the runtime, starts watching exits and
 * removes exited AutoRemove containers. Idempotent.
 */
export async function restoreContainers(core: ContainerDeps): Promise<void> {
  const orphans = core.boot.orphans;
  core.boot.orphans = [];
  await restoreAll(core, orphans, () => {
    core.boot.stopWatch ??= core.runtime.watchExits(
      (id) => void handleExit(core, id),
    );
  });
}

/** Stops watching exits and drops restart and probe timers; containers keep running. */
export function closeContainers(
  core: Pick<ContainerDeps, "boot" | "restarts" | "probes" | "logging">,
): void {
  core.boot.stopWatch?.();
  core.boot.stopWatch = undefined;
  core.restarts.close();
  core.probes.close();
  // Copiers stop without draining: the next daemon resumes from their positions.
  void core.logging.close();
}

/**
 * Boot-time recovery: reconciles records with conmon/the runtime (see
 * restore.ts), calls `watch` once reconciled, removes exited AutoRemove
 * containers, resumes health probes and applies restart policies to
 * containers that died while the daemon was down. Never throws.
 */
async function restoreAll(
  core: ContainerDeps,
  orphans: string[],
  watch: () => void,
): Promise<void> {
  const wasRunning = new Set(
    core.store
      .all()
      .filter(isRunning)
      .map((r) => r.id),
  );
  const remove = await reconcile(core, orphans);
  watch();
  for (const id of remove) {
    const r = core.store.get(id);
    if (r)
      await removeRecord(core, r, { force: true, volumes: true }).catch(
        () => undefined,
      );
  }
  for (const r of core.store.all())
    await core.lock
      .run(r.id, async () => {
        if (r.state.status === "running") core.probes.resume(r);
        await core.restarts.afterRestore(r, wasRunning.has(r.id));
      })
      .catch((err: unknown) =>
        core.log.warn("restore: restart policy failed", {
          id: r.id,
          err: errorMessage(err),
        }),
      );
}
