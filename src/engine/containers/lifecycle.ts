import type { ContainerWaitResponse } from "../../api/containers.ts";
import { InvalidArgumentError } from "../../util/errors.ts";
import type { Parts } from "./parts.ts";
import { publish, type Core } from "./core.ts";
import { fault } from "../../util/fault.ts";
import { release } from "./resources.ts";
import {
  checkPause,
  checkRemove,
  checkStart,
  checkUnpause,
  checkContainerName,
  isRunning,
  type ContainerRecord,
} from "./record.ts";
import { startContainer } from "./start.ts";
import { killContainer, stopContainer } from "./stop.ts";

/** Conditions of POST /containers/{id}/wait. */
export type WaitCondition = "not-running" | "next-exit" | "removed";

/** Options of stop and restart: timeout in seconds (-1 waits forever), stop signal. */
export type StopOptions = { timeout?: number; signal?: string };

/** Options of rm: force kills a running container, volumes removes anonymous ones. */
export type RemoveOptions = { force?: boolean; volumes?: boolean };

/** docker start. Throws NotModifiedError when running (304). */
export async function startVerb(p: Parts, r: ContainerRecord): Promise<void> {
  try {
    await p.core.lock.run(r.id, () => {
      // compat: a start by the user resets RestartCount and the backoff.
      checkStart(r);
      p.restarts.reset(r.id);
      r.restartCount = 0;
      return startContainer(p.core, r, (rec) =>
        p.attachments.connectPending(rec),
      );
    });
  } catch (err) {
    // compat: moby removes an AutoRemove container whose start failed, so
    // `run --rm` (waiting for condition=removed) ends.
    if (r.hostConfig.AutoRemove && !isRunning(r))
      await removeVerb(p, r, { force: true, volumes: true }).catch(
        () => undefined,
      );
    throw err;
  }
}

/** docker stop: signal, then SIGKILL after the timeout (seconds; -1 waits forever). */
export async function stopVerb(
  p: Parts,
  r: ContainerRecord,
  options: StopOptions,
): Promise<void> {
  if (await cancelRestart(p, r)) return publish(p.core, r, "stop");
  await stopContainer(p.core, r, p.waiters, options);
}

/** docker kill. Throws ConflictError("Container <id> is not running"). */
export async function killVerb(
  p: Parts,
  r: ContainerRecord,
  signal: string | undefined,
): Promise<void> {
  // compat: killing a restarting container only cancels the restart (no event).
  if (await cancelRestart(p, r)) return;
  await killContainer(p.core, r, p.waiters, signal ?? "SIGKILL");
}

/** docker restart: stop (if running) then start. */
export async function restartVerb(
  p: Parts,
  r: ContainerRecord,
  options: StopOptions,
): Promise<void> {
  if (await cancelRestart(p, r)) publish(p.core, r, "stop");
  if (isRunning(r)) await stopContainer(p.core, r, p.waiters, options);
  await startVerb(p, p.core.store.resolve(r.id));
  publish(p.core, r, "restart");
}

/** docker pause (cgroup freezer). Throws ConflictError unless running. */
export async function pauseVerb(p: Parts, r: ContainerRecord): Promise<void> {
  await p.core.lock.run(r.id, async () => {
    checkPause(r);
    await p.core.runtime.pause(r.id);
    r.state.status = "paused";
    p.health.stopped(r);
    await p.core.store.save(r);
    publish(p.core, r, "pause");
  });
}

/** docker unpause. Throws ConflictError unless paused. */
export async function unpauseVerb(p: Parts, r: ContainerRecord): Promise<void> {
  await p.core.lock.run(r.id, async () => {
    checkUnpause(r);
    await p.core.runtime.resume(r.id);
    r.state.status = "running";
    p.health.resume(r);
    await p.core.store.save(r);
    publish(p.core, r, "unpause");
  });
}

/** docker rm. Throws ConflictError for a running container without force. */
export async function removeVerb(
  p: Parts,
  r: ContainerRecord,
  options: RemoveOptions,
): Promise<void> {
  checkRemove(r, options.force === true);
  // An exit being handled holds the lock until the restart policy decided:
  // check again once it settled, or rm could cancel a pending restart.
  if (!options.force)
    await p.core.lock.run(r.id, async () => checkRemove(r, false));
  await cancelRestart(p, r);
  if (isRunning(r))
    await killContainer(p.core, r, p.waiters, "SIGKILL").catch(() => undefined);
  const c = p.core;
  await c.lock.run(r.id, async () => {
    if (!c.store.get(r.id)) return;
    checkRemove(r, false);
    // remove = release (what a run still holds, normally nothing once the
    // exit was recorded) + forget (what the container owns for its life).
    await release(r, c.releasers, c.log);
    fault("remove:released");
    await forget(p, r, options);
  });
}

/**
 * Drops what a container owns beyond a run: its sandbox record, its volume
 * references (anonymous volumes with -v), its writable layer, the runtime's
 * exit file and its record directory (log, host files). Lock held.
 */
async function forget(
  p: Parts,
  r: ContainerRecord,
  options: RemoveOptions,
): Promise<void> {
  const c = p.core;
  // Independent of each other: together (each is a spawn or a tree removal).
  await Promise.all([
    c.runtime.clearExitStatus(r.id),
    c.networking.remove(r).catch(() => undefined),
    c.images.removeRootfs(r.id),
    c.mounts.remove(r, { removeVolumes: options.volumes === true }),
  ]);
  await c.store.remove(r.id);
  c.execs.removeAllOf(r.id);
  p.attachments.endAll(r.id);
  publish(c, r, "destroy");
  c.notifyRemoved(r.id, r.state.exitCode);
}

/** docker rename. Throws ConflictError for a taken name. */
export async function renameVerb(
  core: Pick<Core, "store" | "lock" | "events">,
  r: ContainerRecord,
  newName: string,
): Promise<void> {
  checkContainerName(newName);
  const name = `/${newName.replace(/^\//, "")}`;
  await core.lock.run(r.id, async () => {
    if (name === r.name)
      throw new InvalidArgumentError(
        "Renaming a container with the same name as its current name",
      );
    const old = r.name;
    core.store.reserveName(name, r.id);
    r.name = name;
    try {
      await core.store.save(r);
    } catch (err) {
      r.name = old;
      core.store.releaseName(name, r.id);
      throw err;
    }
    core.store.releaseName(old, r.id);
    publish(core, r, "rename", { oldName: old });
  });
}

/**
 * docker wait. `done` resolves when the condition is met (at once for
 * not-running on a stopped container).
 */
export function waitVerb(
  p: Parts,
  r: ContainerRecord,
  condition: WaitCondition,
): { done: Promise<ContainerWaitResponse> } {
  const result = (code: number): ContainerWaitResponse => ({
    StatusCode: code,
    Error: null,
  });
  // compat: moby counts a restarting container as running, so not-running
  // waits for its next exit rather than answering at once.
  if (
    condition === "not-running" &&
    !isRunning(r) &&
    r.state.status !== "restarting"
  )
    return { done: Promise.resolve(result(r.state.exitCode)) };
  const done =
    condition === "removed"
      ? p.waiters.untilRemoved(r.id)
      : p.waiters.untilExit(r.id);
  return { done: done.then(result) };
}

/** Cancels a pending policy restart under the lock; true when there was one. */
export function cancelRestart(p: Parts, r: ContainerRecord): Promise<boolean> {
  return p.core.lock.run(r.id, () => p.restarts.cancel(r));
}
