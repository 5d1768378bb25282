/**
 * The lifecycle flags of run and create: --restart and the health-check
 * flags, turned into HostConfig.RestartPolicy and Config.Healthcheck as the
 * Docker CLI builds them (cli/command/container/opts.go).
 */
import { parseGoDurationNs } from "../../../conventions/duration.ts";
import type { HealthConfig } from "../../../api/containers.ts";
import type { FlagSpec, ParsedFlags } from "../../flags.ts";

/** The health-check flags (--restart is declared with the other create flags). */
export const LIFECYCLE_FLAGS: FlagSpec[] = [
  {
    name: "health-cmd",
    type: "string",
    description: "Command to run to check health",
  },
  {
    name: "health-interval",
    type: "string",
    description: "Time between running the check (ms|s|m|h) (default 0s)",
    valueName: "duration",
  },
  {
    name: "health-retries",
    type: "int",
    description: "Consecutive failures needed to report unhealthy",
  },
  {
    name: "health-start-interval",
    type: "string",
    description:
      "Time between running the check during the start period (ms|s|m|h) (default 0s)",
    valueName: "duration",
  },
  {
    name: "health-start-period",
    type: "string",
    description:
      "Start period for the container to initialize before starting health-retries countdown (ms|s|m|h) (default 0s)",
    valueName: "duration",
  },
  {
    name: "health-timeout",
    type: "string",
    description:
      "Maximum time to allow one check to run (ms|s|m|h) (default 0s)",
    valueName: "duration",
  },
  {
    name: "no-healthcheck",
    type: "bool",
    description: "Disable any container-specified HEALTHCHECK",
  },
];

/**
 * --restart as the CLI's ParseRestartPolicy reads it ("name[:count]"), and
 * the --rm conflict. Throws Error with the CLI's text (run/create report it as exit 125).
 */
export function restartPolicyOf(flags: ParsedFlags): {
  Name: string;
  MaximumRetryCount: number;
} {
  const value = flags.string("restart") ?? "no";
  const colon = value.indexOf(":");
  const name = colon < 0 ? value : value.slice(0, colon);
  const count = colon < 0 ? "" : value.slice(colon + 1);
  if (colon === 0)
    throw new Error(
      "invalid restart policy format: no policy provided before colon",
    );
  if (count !== "" && !/^[+-]?\d+$/.test(count))
    throw new Error(
      "invalid restart policy format: maximum retry count must be an integer",
    );
  if (flags.bool("rm") && name !== "no" && name !== "")
    throw new Error(
      "conflicting options: cannot specify both --restart and --rm",
    );
  return { Name: name, MaximumRetryCount: count ? Number(count) : 0 };
}

/**
 * Config.Healthcheck from the flags, or undefined when none is given.
 * Throws Error for bad durations, negative values and
 * --no-healthcheck with --health-* flags.
 */
export function healthcheckOf(flags: ParsedFlags): HealthConfig | undefined {
  const cmd = flags.string("health-cmd") ?? "";
  const interval = duration(flags, "health-interval");
  const timeout = duration(flags, "health-timeout");
  const startPeriod = duration(flags, "health-start-period");
  const startInterval = duration(flags, "health-start-interval");
  const retries = flags.int("health-retries") ?? 0;
  const any =
    cmd !== "" ||
    interval !== 0 ||
    timeout !== 0 ||
    startPeriod !== 0 ||
    startInterval !== 0 ||
    retries !== 0;
  if (flags.bool("no-healthcheck")) {
    if (any)
      throw new Error("--no-healthcheck conflicts with --health-* options");
    return { Test: ["NONE"] };
  }
  if (!any) return undefined;
  for (const [v, name] of [
    [interval, "interval"],
    [timeout, "timeout"],
    [retries, "retries"],
    [startPeriod, "start-period"],
    [startInterval, "start-interval"],
  ] as const)
    if (v < 0) throw new Error(`--health-${name} cannot be negative`);
  // compat: the CLI omits zero fields (Go's omitempty).
  const hc: HealthConfig = {};
  if (cmd) hc.Test = ["CMD-SHELL", cmd];
  if (interval) hc.Interval = interval;
  if (timeout) hc.Timeout = timeout;
  if (startPeriod) hc.StartPeriod = startPeriod;
  if (startInterval) hc.StartInterval = startInterval;
  if (retries) hc.Retries = retries;
  return hc;
}

/** A Go duration flag in nanoseconds (0 when unset). */
function duration(flags: ParsedFlags, name: string): number {
  const v = flags.string(name);
  if (v === undefined || v === "" || v === "0") return 0;
  const ns = parseGoDurationNs(v);
  if (ns === undefined)
    throw new Error(
      `invalid argument "${v}" for "--${name}" flag: time: invalid duration "${v}"`,
    );
  return Math.round(ns);
}
