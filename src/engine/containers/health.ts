/**
 * Health checks, the pure part: Config.Healthcheck normalised with Docker's
 * defaults, validation with moby's wording, the merge with the image's
 * HEALTHCHECK, and the state machine that turns probe results into
 * State.Health (moby daemon/health.go handleProbeResult). Timers and probe
 * processes live in health-probe.ts.
 */
import type {
  HealthConfig,
  HealthLogEntry,
  HealthState,
} from "../../api/containers.ts";
import { InvalidArgumentError } from "../../util/errors.ts";

/** Docker's defaults (moby daemon/health.go). */
export const HEALTH_DEFAULTS = {
  intervalMs: 30_000,
  timeoutMs: 30_000,
  startPeriodMs: 0,
  startIntervalMs: 5_000,
  retries: 3,
};

/** State.Health.Log keeps this many entries. */
export const MAX_LOG_ENTRIES = 5;

/** A probe's output is cut to this many bytes. */
export const MAX_OUTPUT_BYTES = 4096;

/** A health check ready to run: the argv and the timings in milliseconds. */
export type HealthPlan = {
  /** ["CMD", ...argv] runs argv; ["CMD-SHELL", cmd] runs it through the shell. */
  argv: string[];
  intervalMs: number;
  timeoutMs: number;
  startPeriodMs: number;
  startIntervalMs: number;
  retries: number;
};

const NS_PER_MS = 1_000_000;

/**
 * The probe plan of a container config, or undefined when there is none
 * (no Healthcheck, Test empty or ["NONE"], or an unknown kind, which moby
 * ignores too). `shell` is Config.Shell (default /bin/sh -c).
 */
export function healthPlan(
  hc: HealthConfig | undefined,
  shell: string[] | undefined,
): HealthPlan | undefined {
  const test = hc?.Test ?? [];
  const [kind, ...rest] = test;
  let argv: string[];
  if (kind === "CMD" && rest.length) argv = rest;
  else if (kind === "CMD-SHELL" && rest.length)
    argv = [...(shell?.length ? shell : ["/bin/sh", "-c"]), rest.join(" ")];
  else return undefined;
  const ms = (ns: number | undefined, d: number): number =>
    ns && ns > 0 ? Math.max(1, Math.round(ns / NS_PER_MS)) : d;
  return {
    argv,
    intervalMs: ms(hc?.Interval, HEALTH_DEFAULTS.intervalMs),
    timeoutMs: ms(hc?.Timeout, HEALTH_DEFAULTS.timeoutMs),
    startPeriodMs: ms(hc?.StartPeriod, HEALTH_DEFAULTS.startPeriodMs),
    startIntervalMs: ms(hc?.StartInterval, HEALTH_DEFAULTS.startIntervalMs),
    retries:
      hc?.Retries && hc.Retries > 0 ? hc.Retries : HEALTH_DEFAULTS.retries,
  };
}

/** True when the config asks for State.Health at all (a Test other than NONE). */
export function hasHealthcheck(hc: HealthConfig | undefined): boolean {
  const kind = hc?.Test?.[0];
  return kind !== undefined && kind !== "NONE";
}

/**
 * Validates Config.Healthcheck as moby's verifyContainerSettings does.
 * Throws InvalidArgumentError with Docker's text.
 */
export function validateHealthcheck(hc: HealthConfig | undefined): void {
  if (!hc) return;
  const min = NS_PER_MS;
  const check = (v: number | undefined, name: string): void => {
    if (v !== undefined && v !== 0 && v < min)
      throw new InvalidArgumentError(
        `${name} in Healthcheck cannot be less than 1ms`,
      );
  };
  check(hc.Interval, "Interval");
  check(hc.Timeout, "Timeout");
  check(hc.StartPeriod, "StartPeriod");
  check(hc.StartInterval, "StartInterval");
  if ((hc.Retries ?? 0) < 0)
    throw new InvalidArgumentError("Retries in Healthcheck cannot be negative");
}

/** The container's Healthcheck from the create body and the image's. */
export { mergeHealthcheck } from "../images/index.ts";

/** State.Health when a container (re)starts: starting, no streak, log kept. */
export function startingHealth(prev: HealthState | undefined): HealthState {
  return { Status: "starting", FailingStreak: 0, Log: prev?.Log ?? [] };
}

/**
 * Applies one probe result (moby handleProbeResult): exit 0 is healthy and
 * clears the streak; any other code counts as a failure unless the
 * container is still starting within its start period; `retries` failures
 * in a row make it unhealthy. Returns the new state (the input is not
 * mutated) and the new status when it changed (for the health_status event).
 */
export function applyProbeResult(
  state: HealthState,
  result: HealthLogEntry,
  o: { retries: number; startPeriodMs: number; startedAtMs: number },
): { state: HealthState; changed: HealthState["Status"] | undefined } {
  const log = [...state.Log, result].slice(-MAX_LOG_ENTRIES);
  let status = state.Status;
  let streak = state.FailingStreak;
  if (result.ExitCode === 0) {
    status = "healthy";
    streak = 0;
  } else {
    const inStartPeriod =
      status === "starting" &&
      Date.parse(result.Start) - o.startedAtMs < o.startPeriodMs;
    if (!inStartPeriod) {
      streak++;
      if (streak >= o.retries) status = "unhealthy";
    }
  }
  return {
    state: { Status: status, FailingStreak: streak, Log: log },
    changed: status !== state.Status ? status : undefined,
  };
}

/**
 * The delay before the next probe (moby monitor's getInterval): the start
 * interval while still starting inside the start period, else the interval.
 */
export function nextProbeDelay(
  plan: HealthPlan,
  status: HealthState["Status"],
  sinceStartMs: number,
): number {
  if (sinceStartMs >= plan.startPeriodMs) return plan.intervalMs;
  return status === "starting" ? plan.startIntervalMs : plan.intervalMs;
}

/** Cuts probe output to MAX_OUTPUT_BYTES bytes (moby's limitedBuffer). */
export function truncateOutput(chunks: Buffer[]): string {
  return Buffer.concat(chunks).subarray(0, MAX_OUTPUT_BYTES).toString("utf8");
}

/** Go's time.Duration String for whole milliseconds: "1s", "1m30s", "500ms". */
export function goDuration(ms: number): string {
  if (ms === 0) return "0s";
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  return `${h ? `${h}h` : ""}${h || m ? `${m}m` : ""}${s}s`;
}

/** The health filter value of ps: the status, or "none" without health check. */
export function healthFilterValue(h: HealthState | undefined): string {
  return h ? h.Status : "none";
}

/** Throws Docker's 400 for a health filter value it does not know. */
export function checkHealthFilter(values: string[]): void {
  for (const v of values)
    if (!["starting", "healthy", "unhealthy", "none"].includes(v))
      throw new InvalidArgumentError(
        `Unrecognised filter value for health: ${v}`,
      );
}
