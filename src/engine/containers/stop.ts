import { errorMessage } from "../../util/errors.ts";
import { fault } from "../../util/fault.ts";
import { publish, type ContainerDeps } from "./deps.ts";
import {
  checkRunning,
  checkStop,
  isRunning,
  type ContainerRecord,
} from "./record.ts";
import { parseSignal } from "./signals.ts";

/**
 * What stop and kill use: the records, the runtime, the exit waiters and
 * the restart policy (a pending restart is cancelled instead).
 */
export type StopDeps = Pick<
  ContainerDeps,
  "store" | "lock" | "runtime" | "events" | "log" | "waiters" | "restarts"
>;

/** Options of stop and restart: timeout in seconds (-1 waits forever), stop signal. */
export type StopOptions = { timeout?: number; signal?: string };

/** docker stop: signal, then SIGKILL after the timeout (seconds; -1 waits forever). */
export async function stop(
  d: StopDeps,
  ref: string,
  options: StopOptions = {},
): Promise<void> {
  const r = d.store.resolve(ref);
  if (await cancelRestart(d, r)) return publish(d, r, "stop");
  await stopContainer(d, r, options);
}

/** docker kill. Throws ConflictError("Container <id> is not running"). */
export async function kill(
  d: StopDeps,
  ref: string,
  options: { signal?: string } = {},
): Promise<void> {
  const r = d.store.resolve(ref);
  // compat: killing a restarting container only cancels the restart (no event).
  if (await cancelRestart(d, r)) return;
  await killContainer(d, r, options.signal ?? "SIGKILL");
}

/** Cancels a pending policy restart under the lock; true when there was one. */
export function cancelRestart(
  d: Pick<ContainerDeps, "lock" | "restarts">,
  r: ContainerRecord,
): Promise<boolean> {
  return d.lock.run(r.id, () => d.restarts.cancel(r));
}

/** How long kill -9 may take before we report the container as stuck. */
const KILL_WAIT_MS = 10_000;

/**
 * docker stop: the stop signal (StopSignal, default SIGTERM), then SIGKILL
 * after the timeout (StopTimeout, default 10 s; -1 waits forever). Publishes
 * kill (per signal), then — after the exit's die — stop. Throws
 * NotModifiedError when not running.
 */
export async function stopContainer(
  core: StopDeps,
  r: ContainerRecord,
  options: StopOptions,
): Promise<void> {
  checkStop(r);
  const signal = parseSignal(
    options.signal || r.config.StopSignal || "SIGTERM",
  );
  const timeout = options.timeout ?? r.config.StopTimeout ?? 10;
  const exited = core.waiters.untilExit(r.id);
  let sent = await signalOnce(core, r, signal);
  if (sent && signal !== 9) {
    const timedOut =
      timeout < 0
        ? false
        : await Promise.race([
            exited.then(() => false),
            delay(timeout * 1000).then(() => true),
          ]);
    if (timedOut && isRunning(r)) sent = await signalOnce(core, r, 9);
  }
  if (sent) await waitOrStuck(exited, r);
  publish(core, r, "stop");
}

/**
 * docker kill: sends a signal (names or numbers). Throws ConflictError
 * ("Container <id> is not running"). For SIGKILL waits until the exit is
 * recorded, so a following ps shows the container exited.
 */
export async function killContainer(
  core: StopDeps,
  r: ContainerRecord,
  signalText: string,
): Promise<void> {
  const signal = parseSignal(signalText || "SIGKILL");
  checkRunning(r);
  const exited = core.waiters.untilExit(r.id);
  const sent = await signalOnce(core, r, signal);
  if (sent && signal === 9) await waitOrStuck(exited, r);
}

/**
 * Sends one signal; false when the process was already gone. Saves
 * "stopped by user" before the signal, as moby checkpoints it, so a daemon
 * crash between the two never lets the restart policy revive it.
 */
async function signalOnce(
  core: StopDeps,
  r: ContainerRecord,
  signal: number,
): Promise<boolean> {
  return core.lock.run(r.id, async () => {
    if (!isRunning(r)) return false;
    if (!r.stoppedByUser) {
      r.stoppedByUser = true;
      await core.store.save(r);
    }
    fault("stop:saved");
    publish(core, r, "kill", { signal: String(signal) });
    try {
      await core.runtime.kill(r.id, signal);
      // A frozen process cannot act on a signal: thaw it (moby does the same).
      if (r.state.status === "paused" && signal === 9) {
        await core.runtime.resume(r.id).catch(() => undefined);
        r.state.status = "running";
      }
    } catch (err) {
      // The process may have exited between our check and the signal.
      const st = await core.runtime.state(r.id).catch(() => undefined);
      if (st && st.status !== "stopped") throw err;
      core.log.debug("signal to exited container", {
        id: r.id,
        err: errorMessage(err),
      });
    }
    return true;
  });
}

async function waitOrStuck(
  exited: Promise<number>,
  r: ContainerRecord,
): Promise<void> {
  const ok = await Promise.race([
    exited.then(() => true),
    delay(KILL_WAIT_MS).then(() => false),
  ]);
  if (!ok && isRunning(r))
    throw new Error(
      `cannot stop container ${r.id}: process did not exit after SIGKILL`,
    );
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
