import { fault } from "../../util/fault.ts";
import { publish, type ContainerDeps, type RecordDeps } from "./deps.ts";
import { resolveLinkName } from "./links.ts";
import { checkRemove, isRunning, type ContainerRecord } from "./record.ts";
import { release } from "./resources.ts";
import { cancelRestart, killContainer } from "./stop.ts";

/** Options of rm: force kills a running container, volumes removes anonymous ones. */
export type RemoveOptions = { force?: boolean; volumes?: boolean };

/** What rm uses: a kill, the release of a run, and what the container owns for its life. */
export type RemoveDeps = RecordDeps &
  Pick<
    ContainerDeps,
    | "runtime"
    | "restarts"
    | "waiters"
    | "releasers"
    | "networking"
    | "images"
    | "mounts"
    | "execs"
    | "attachments"
  >;

/** docker rm. Throws ConflictError for a running container without force. */
export async function remove(
  d: RemoveDeps,
  ref: string,
  options: RemoveOptions = {},
): Promise<void> {
  // compat: a link's name (`web/db`) names its child, as in moby's registry.
  const r = resolveLinkName(d, ref)?.child ?? d.store.resolve(ref);
  await removeRecord(d, r, options);
}

/** rm of a resolved record (exits and restore remove AutoRemove containers). */
export async function removeRecord(
  d: RemoveDeps,
  r: ContainerRecord,
  options: RemoveOptions,
): Promise<void> {
  checkRemove(r, options.force === true);
  await cancelRestart(d, r);
  if (isRunning(r)) await killContainer(d, r, "SIGKILL").catch(() => undefined);
  await d.lock.run(r.id, async () => {
    if (!d.store.get(r.id)) return;
    checkRemove(r, false);
    // remove = release (what a run still holds, normally nothing once the
    // exit was recorded) + forget (what the container owns for its life).
    await release(r, d.releasers, d.log);
    fault("remove:released");
    await forget(d, r, options);
  });
}

/**
 * Drops what a container owns beyond a run: its sandbox record, its volume
 * references (anonymous volumes with -v), its writable layer, the runtime's
 * exit file and its record directory (log, host files). Lock held.
 */
async function forget(
  d: RemoveDeps,
  r: ContainerRecord,
  options: RemoveOptions,
): Promise<void> {
  // Independent of each other: together (each is a spawn or a tree removal).
  await Promise.all([
    d.runtime.clearExitStatus(r.id),
    d.networking.remove(r).catch(() => undefined),
    d.images.removeRootfs(r.id),
    d.mounts.remove(r, { removeVolumes: options.volumes === true }),
  ]);
  await d.store.remove(r.id);
  d.execs.removeAllOf(r.id);
  d.attachments.endAll(r.id);
  publish(d, r, "destroy");
  d.waiters.removed(r.id, r.state.exitCode);
}
