/**
 * Restart policies (HostConfig.RestartPolicy): validation with moby's
 * wording, the decisions (moby restartmanager), Docker's backoff, and the
 * RestartSupervisor that holds the pending restart timers.
 *
 * Lifecycle of an exit under a policy:
 * ```
 *  running ──exit──► die event ──shouldRestart?──no──► exited
 *                                     │ yes: RestartCount+1, backoff
 *                                     ▼
 *                               restarting ──timer──► start (start event) ──► running
 *                                     │ stop / kill / rm -f (under the lock)
 *                                     ▼
 *                                   exited
 * ```
 * Every transition happens under the container's KeyedLock, so a timer
 * that fires during `docker stop`/`restart` finds the state those left.
 */
import type { HostConfig } from "../../api/containers.ts";
import { InvalidArgumentError, errorMessage } from "../../util/errors.ts";
import type { ContainerDeps } from "./deps.ts";
import { ZERO_TIME, type ContainerRecord } from "./record.ts";

/** A restart policy as the API carries it. */
export type RestartPolicy = HostConfig["RestartPolicy"];

/** First backoff delay, doubled per quick exit (moby restartmanager). */
export const BACKOFF_START_MS = 100;
/** The backoff never exceeds this. */
export const BACKOFF_MAX_MS = 60_000;
/** A container that ran this long starts over at BACKOFF_START_MS. */
export const BACKOFF_RESET_AFTER_MS = 10_000;

/**
 * Validates a policy as moby's ValidateRestartPolicy does. Throws
 * InvalidArgumentError with Docker's text.
 */
export function validateRestartPolicy(p: {
  Name?: string;
  MaximumRetryCount?: number;
}): void {
  const name = p.Name ?? "";
  const max = p.MaximumRetryCount ?? 0;
  switch (name) {
    case "always":
    case "unless-stopped":
    case "no":
      if (max !== 0)
        throw new InvalidArgumentError(
          `invalid restart policy: maximum retry count can only be used with 'on-failure'${max < 0 ? " and cannot be negative" : ""}`,
        );
      return;
    case "on-failure":
      if (max < 0)
        throw new InvalidArgumentError(
          "invalid restart policy: maximum retry count cannot be negative",
        );
      return;
    case "":
      // compat: clients before v25 send an empty name for "no".
      return;
    default:
      throw new InvalidArgumentError(
        `invalid restart policy: unknown policy '${name}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'`,
      );
  }
}

/** True for a policy other than no/"" (AutoRemove refuses those). */
export function hasRestartPolicy(p: { Name?: string } | undefined): boolean {
  return p?.Name !== undefined && p.Name !== "" && p.Name !== "no";
}

/**
 * Docker's backoff: 100 ms, doubled after each restart, at most one
 * minute; back to 100 ms when the container had run for 10 s or more.
 * `prevMs` is the previous delay (0 before the first restart).
 */
export function nextBackoff(prevMs: number, ranMs: number): number {
  let t = ranMs >= BACKOFF_RESET_AFTER_MS ? 0 : prevMs;
  t = t === 0 ? BACKOFF_START_MS : t * 2;
  return Math.min(t, BACKOFF_MAX_MS);
}

/**
 * Whether an exit restarts the container: never after the user's stop or
 * kill; always/unless-stopped otherwise; on-failure for a non-zero code
 * while fewer than MaximumRetryCount restarts happened (0 = no limit).
 */
export function shouldRestart(
  policy: RestartPolicy,
  o: { exitCode: number; stoppedByUser: boolean; restartCount: number },
): boolean {
  if (o.stoppedByUser) return false;
  switch (policy.Name) {
    case "always":
    case "unless-stopped":
      return true;
    case "on-failure": {
      const max = policy.MaximumRetryCount;
      return o.exitCode !== 0 && (max === 0 || o.restartCount < max);
    }
    default:
      return false;
  }
}

/**
 * Whether the daemon starts a stopped container at boot (moby restore):
 * only one that ran before; `always` even when the user stopped it,
 * `unless-stopped` unless they did, `on-failure` as after an exit; one
 * whose restart was pending when the daemon went down, always.
 */
export function restartOnBoot(r: ContainerRecord): boolean {
  if (r.state.startedAt === ZERO_TIME) return false;
  if (r.state.status === "restarting") return true;
  if (r.state.status !== "exited") return false;
  const p = r.hostConfig.RestartPolicy;
  if (p.Name === "always") return true;
  return shouldRestart(p, {
    exitCode: r.state.exitCode,
    stoppedByUser: r.stoppedByUser,
    restartCount: r.restartCount,
  });
}

/**
 * Holds pending restarts. Methods marked "lock held" expect the caller to
 * hold the container's lock; the timers take it themselves.
 */
export class RestartSupervisor {
  #core: Pick<ContainerDeps, "store" | "lock" | "log">;
  #start: (r: ContainerRecord) => Promise<void>;
  #pending = new Map<string, NodeJS.Timeout>();
  #backoff = new Map<string, number>();

  /** `start` starts a container (lock held); see start.ts startContainer. */
  constructor(
    core: Pick<ContainerDeps, "store" | "lock" | "log">,
    start: (r: ContainerRecord) => Promise<void>,
  ) {
    this.#core = core;
    this.#start = start;
  }

  /**
   * After an exit was recorded (lock held): when the policy says so, marks
   * the container restarting, counts the restart, saves and arms the timer.
   * Returns true when a restart is pending.
   */
  async afterExit(r: ContainerRecord): Promise<boolean> {
    const s = r.state;
    if (
      !shouldRestart(r.hostConfig.RestartPolicy, {
        exitCode: s.exitCode,
        stoppedByUser: r.stoppedByUser,
        restartCount: r.restartCount,
      })
    ) {
      this.#backoff.delete(r.id);
      return false;
    }
    const ran = Date.parse(s.finishedAt) - Date.parse(s.startedAt);
    const wait = nextBackoff(this.#backoff.get(r.id) ?? 0, ran);
    this.#backoff.set(r.id, wait);
    r.restartCount++;
    s.status = "restarting";
    await this.#core.store.save(r);
    clearTimeout(this.#pending.get(r.id));
    const timer = setTimeout(() => void this.#fire(r), wait);
    timer.unref();
    this.#pending.set(r.id, timer);
    return true;
  }

  /**
   * Cancels a pending restart (lock held): a restarting container becomes
   * exited and counts as stopped by the user. Returns true when it was
   * restarting.
   */
  async cancel(r: ContainerRecord): Promise<boolean> {
    clearTimeout(this.#pending.get(r.id));
    this.#pending.delete(r.id);
    if (r.state.status !== "restarting") return false;
    r.state.status = "exited";
    r.stoppedByUser = true;
    await this.#core.store.save(r);
    return true;
  }

  /**
   * After a daemon restart (lock held): a container that died while the
   * daemon was down gets its policy as after any exit; a stopped one starts
   * when restartOnBoot says so, with RestartCount reset (moby's restore).
   */
  async afterRestore(r: ContainerRecord, wasRunning: boolean): Promise<void> {
    const s = r.state.status;
    if (s === "running" || s === "paused") return;
    if (wasRunning && s === "exited") {
      await this.afterExit(r);
      return;
    }
    if (!restartOnBoot(r)) return;
    r.restartCount = 0;
    await this.#start(r);
  }

  /** Forgets the backoff and any pending timer (a start by the user). */
  reset(id: string): void {
    clearTimeout(this.#pending.get(id));
    this.#pending.delete(id);
    this.#backoff.delete(id);
  }

  /** Drops every timer (daemon shutdown); records keep "restarting" for the next boot. */
  close(): void {
    for (const t of this.#pending.values()) clearTimeout(t);
    this.#pending.clear();
  }

  async #fire(r: ContainerRecord): Promise<void> {
    this.#pending.delete(r.id);
    const core = this.#core;
    await core.lock.run(r.id, async () => {
      if (core.store.get(r.id) !== r || r.state.status !== "restarting") return;
      try {
        await this.#start(r);
      } catch (err) {
        // compat: moby gives up and leaves the container stopped.
        core.log.warn("restart policy: cannot restart container", {
          id: r.id,
          err: errorMessage(err),
        });
        if (r.state.status === "restarting") {
          r.state.status = "exited";
          await core.store.save(r);
        }
      }
    });
  }
}
