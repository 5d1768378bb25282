import { errorMessage } from "../../util/errors.ts";
import { removeVerb } from "./lifecycle.ts";
import type { Parts } from "./parts.ts";
import { isRunning, type ContainerRecord } from "./record.ts";
import { reconcile } from "./restore.ts";
import { recordExit } from "./start.ts";

/**
 * Handles an exit reported by the runtime's watcher: records it under the
 * lock, lets the restart policy decide, wakes waiters and removes an
 * AutoRemove container. Never throws (failures are logged).
 */
export async function handleExit(p: Parts, id: string): Promise<void> {
  const core = p.core;
  let r: ContainerRecord | undefined;
  const changed = await core.lock
    .run(id, async () => {
      r = core.store.get(id);
      if (!r || !(await recordExit(core, r))) return false;
      await p.restarts.afterExit(r);
      return true;
    })
    .catch((err: unknown) => {
      core.log.error("cannot record container exit", {
        id,
        err: errorMessage(err),
      });
      return false;
    });
  if (!changed || !r) return;
  core.notifyExit(id, r.state.exitCode);
  if (r.hostConfig.AutoRemove)
    await removeVerb(p, r, { force: true, volumes: true }).catch(
      (err: unknown) =>
        core.log.warn("auto-remove failed", { id, err: errorMessage(err) }),
    );
}

/**
 * Boot-time recovery: reconciles records with conmon/the runtime (see
 * restore.ts), calls `watch` once reconciled, removes exited AutoRemove
 * containers, resumes health probes and applies restart policies to
 * containers that died while the daemon was down. Never throws.
 */
export async function restoreAll(
  p: Parts,
  orphans: string[],
  watch: () => void,
): Promise<void> {
  const core = p.core;
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
      await removeVerb(p, r, { force: true, volumes: true }).catch(
        () => undefined,
      );
  }
  for (const r of core.store.all())
    await core.lock
      .run(r.id, async () => {
        if (r.state.status === "running") p.health.resume(r);
        await p.restarts.afterRestore(r, wasRunning.has(r.id));
      })
      .catch((err: unknown) =>
        core.log.warn("restore: restart policy failed", {
          id: r.id,
          err: errorMessage(err),
        }),
      );
}
