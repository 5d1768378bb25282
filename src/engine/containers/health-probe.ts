import { mkdir, readFile, rm } from "node:fs/promises";
import type { HealthLogEntry } from "../../api/containers.ts";
import { errorMessage } from "../../util/errors.ts";
import { newId } from "../../util/ids.ts";
import {
  execBundleOf,
  nowRfc3339,
  publish,
  type ContainerDeps,
} from "./deps.ts";

/** What health probes use: the records, the runtime (an exec per probe) and the rootfs. */
export type HealthDeps = Pick<
  ContainerDeps,
  "store" | "lock" | "events" | "log" | "runtime" | "execRoot" | "images"
>;
import {
  MAX_OUTPUT_BYTES,
  applyProbeResult,
  goDuration,
  hasHealthcheck,
  healthPlan,
  nextProbeDelay,
  startingHealth,
  truncateOutput,
  type HealthPlan,
} from "./health.ts";
import type { ContainerRecord } from "./record.ts";
import { processSpec, specEnv } from "./spec.ts";
import { resolveUser } from "./user.ts";
import { rootfsOptions } from "./userns.ts";

type Schedule = { timer: NodeJS.Timeout | undefined; stopped: boolean };

/**
 * Runs a container's health probes while it runs (moby daemon/health.go
 * monitor): one timer per container, each probe an exec in the container
 * with Docker's exec_create / exec_start / exec_die events, a timeout that
 * kills the probe, results folded into the record's State.Health and saved
 * under the per-id lock, `health_status: <status>` on every change. The
 * caller tells it when a container started, stopped, paused or resumed.
 */
export class HealthMonitor {
  #core: HealthDeps;
  #active = new Map<string, Schedule>();

  constructor(core: HealthDeps) {
    this.#core = core;
  }

  /**
   * After a start (the caller holds the lock and saves the record next):
   * State.Health becomes starting and probing begins. No-op without a
   * health check.
   */
  started(r: ContainerRecord): void {
    if (!hasHealthcheck(r.config.Healthcheck)) {
      delete r.health;
      return;
    }
    r.health = startingHealth(r.health);
    this.resume(r);
  }

  /**
   * Probes again without resetting State.Health (after unpause or a daemon
   * restart). No-op without a plan or when already probing.
   */
  resume(r: ContainerRecord): void {
    const plan = healthPlan(r.config.Healthcheck, r.config.Shell);
    if (!plan) return;
    this.#halt(r.id);
    r.health ??= startingHealth(undefined);
    const s: Schedule = { timer: undefined, stopped: false };
    this.#active.set(r.id, s);
    this.#arm(r, plan, s);
  }

  /**
   * Stops probing (exit, pause). Like moby, a stopped monitor leaves the
   * status unhealthy without an event; the caller saves the record.
   */
  stopped(r: ContainerRecord): void {
    if (this.#halt(r.id) && r.health) r.health.Status = "unhealthy";
  }

  /** Stops every timer (daemon shutdown); records are left as they are. */
  close(): void {
    for (const id of [...this.#active.keys()]) this.#halt(id);
  }

  #halt(id: string): boolean {
    const s = this.#active.get(id);
    if (!s) return false;
    s.stopped = true;
    clearTimeout(s.timer);
    this.#active.delete(id);
    return true;
  }

  #arm(r: ContainerRecord, plan: HealthPlan, s: Schedule): void {
    const since = Date.now() - Date.parse(r.state.startedAt);
    const delay = nextProbeDelay(plan, r.health?.Status ?? "starting", since);
    s.timer = setTimeout(() => void this.#tick(r, plan, s), delay);
    s.timer.unref();
  }

  async #tick(
    r: ContainerRecord,
    plan: HealthPlan,
    s: Schedule,
  ): Promise<void> {
    if (s.stopped) return;
    const result = await this.#probe(r, plan);
    await this.#core.lock
      .run(r.id, async () => {
        if (s.stopped || this.#core.store.get(r.id) !== r) return;
        const { state, changed } = applyProbeResult(
          r.health ?? startingHealth(undefined),
          result,
          {
            retries: plan.retries,
            startPeriodMs: plan.startPeriodMs,
            startedAtMs: Date.parse(r.state.startedAt),
          },
        );
        r.health = state;
        await this.#core.store.save(r);
        if (changed) publish(this.#core, r, `health_status: ${changed}`);
      })
      .catch((err: unknown) =>
        this.#core.log.warn("health check: cannot record result", {
          id: r.id,
          err: errorMessage(err),
        }),
      );
    if (!s.stopped) this.#arm(r, plan, s);
  }

  /** Runs one probe as an exec; never throws (failures are results, as in moby). */
  async #probe(r: ContainerRecord, plan: HealthPlan): Promise<HealthLogEntry> {
    const core = this.#core;
    const start = nowRfc3339();
    const execId = newId();
    const bundle = execBundleOf(core, execId);
    const cmd = plan.argv.join(" ");
    publish(core, r, `exec_create: ${cmd}`, { execID: execId });
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      const rootfs = await core.images.mountRootfs(r.id, rootfsOptions(r));
      const user = await resolveUser(rootfs, r.config.User);
      const process = processSpec(r, {
        args: plan.argv,
        env: specEnv(r),
        cwd: r.config.WorkingDir || "/",
        user,
        terminal: false,
        privileged: r.hostConfig.Privileged,
        capAdd: r.hostConfig.CapAdd ?? [],
        capDrop: r.hostConfig.CapDrop ?? [],
      });
      await mkdir(bundle, { recursive: true, mode: 0o700 });
      let closed: () => void = () => undefined;
      const outputDone = new Promise<void>((ok) => (closed = ok));
      const handle = await core.runtime.exec(r.id, {
        bundle,
        process,
        terminal: false,
        stdin: false,
        attach: true,
        onOutput: (_stream, data) => {
          if (size >= MAX_OUTPUT_BYTES) return;
          chunks.push(data);
          size += data.length;
        },
        onClose: () => closed(),
      });
      publish(core, r, `exec_start: ${cmd}`, { execID: execId });
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<"timeout">((ok) => {
        timer = setTimeout(() => ok("timeout"), plan.timeoutMs);
        timer.unref();
      });
      const first = await Promise.race([handle.exited, timedOut]);
      clearTimeout(timer);
      if (first === "timeout") {
        // compat: moby kills the probe and reports -1 with this text.
        await killProbe(handle.pid, r.id);
        const code = await Promise.race([
          handle.exited,
          delay(5000).then(() => 137),
        ]);
        publish(core, r, "exec_die", {
          execID: execId,
          exitCode: String(code),
        });
        return {
          Start: start,
          End: nowRfc3339(),
          ExitCode: -1,
          Output: `Health check exceeded timeout (${goDuration(plan.timeoutMs)})`,
        };
      }
      // Output comes before the exit code; let the last packets arrive.
      await Promise.race([outputDone, delay(1000)]);
      publish(core, r, "exec_die", { execID: execId, exitCode: String(first) });
      return {
        Start: start,
        End: nowRfc3339(),
        ExitCode: first,
        Output: truncateOutput(chunks),
      };
    } catch (err) {
      return {
        Start: start,
        End: nowRfc3339(),
        ExitCode: -1,
        Output: errorMessage(err),
      };
    } finally {
      await rm(bundle, { recursive: true, force: true }).catch(() => undefined);
    }
  }
}

/** SIGKILLs the probe, but only a pid that is in the container's cgroup. */
async function killProbe(pid: number, containerId: string): Promise<void> {
  try {
    const cgroups = await readFile(`/proc/${pid}/cgroup`, "utf8");
    if (cgroups.includes(containerId)) process.kill(pid, "SIGKILL");
  } catch {
    // Already gone: its exit arrives anyway.
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((ok) => setTimeout(ok, ms).unref());
}
