import { errorMessage } from "../../util/errors.ts";
import { fault } from "../../util/fault.ts";
import { bundleOf, nowRfc3339, publish, type ContainerDeps } from "./deps.ts";
import { removeRecord, type RemoveDeps } from "./remove.ts";
import { isRunning, type ContainerRecord } from "./record.ts";
import { release } from "./resources.ts";

/** What recording an exit uses. */
export type ExitDeps = Pick<
  ContainerDeps,
  "store" | "runtime" | "events" | "log" | "execRoot" | "releasers" | "probes"
>;

/**
 * Records an exit the monitor reported; the caller holds id's lock.
 * Returns false when the record was not running (a duplicate or stale
 * notification). Releases what the run held (resources.ts), then saves the
 * exited state: a crash in between finds the record running with its exit
 * file still there, and records (and releases, idempotently) again.
 */
export async function recordExit(
  core: ExitDeps,
  r: ContainerRecord,
  decide?: (r: ContainerRecord) => Promise<boolean>,
): Promise<boolean> {
  if (!isRunning(r)) return false;
  const status = await core.runtime.exitStatus(r.id, {
    bundle: bundleOf(core, r.id),
  });
  if (!status) return false;
  // Released while the record still says running: a request racing the
  // exit (rm without force, a restart policy's "restarting") never sees an
  // exited container that still holds its run.
  fault("exit:recorded");
  await release(r, core.releasers, core.log);
  fault("exit:released");
  r.state = {
    ...r.state,
    status: "exited",
    pid: 0,
    exitCode: status.exitCode,
    oomKilled: status.oomKilled,
    finishedAt: nowRfc3339(status.finishedAt),
  };
  core.probes.stopped(r);
  // The restart policy decides in the same tick as the exit (no request
  // sees "exited" before "restarting"); when it restarts, it saved already.
  const saved = decide ? await decide(r) : false;
  // An AutoRemove record is removed next: no fsync for a state about to go
  // (a crash before the removal keeps it in the page cache; a power loss
  // makes it a lost container, which the next boot removes too).
  if (!saved) await core.store.save(r, { durable: !r.hostConfig.AutoRemove });
  if (status.oomKilled) publish(core, r, "oom");
  publish(core, r, "die", {
    exitCode: String(status.exitCode),
    execDuration: String(
      Math.max(
        0,
        Math.round(
          (status.finishedAt.getTime() - Date.parse(r.state.startedAt)) / 1000,
        ),
      ),
    ),
  });
  return true;
}

/**
 * Handles an exit reported by the runtime's watcher: records it under the
 * lock, lets the restart policy decide, wakes waiters and removes an
 * AutoRemove container. Never throws (failures are logged).
 */
export async function handleExit(
  core: ExitDeps & RemoveDeps,
  id: string,
): Promise<void> {
  let r: ContainerRecord | undefined;
  const changed = await core.lock
    .run(id, async () => {
      r = core.store.get(id);
      return (
        r !== undefined &&
        (await recordExit(core, r, (rec) => core.restarts.afterExit(rec)))
      );
    })
    .catch((err: unknown) => {
      core.log.error("cannot record container exit", {
        id,
        err: errorMessage(err),
      });
      return false;
    });
  if (!changed || !r) return;
  core.waiters.exited(id, r.state.exitCode);
  if (r.hostConfig.AutoRemove)
    await removeRecord(core, r, { force: true, volumes: true }).catch(
      (err: unknown) =>
        core.log.warn("auto-remove failed", { id, err: errorMessage(err) }),
    );
}
