/**
 * The CPU checks moby's verifyPlatformContainerResources makes for both
 * create and update: NanoCpus against CpuPeriod/CpuQuota, the CPU count,
 * the CFS period and quota ranges, and cpusets against the CPUs and
 * memory nodes the host offers. One copy for both verbs, so create no
 * longer stores what crun then refuses at start.
 */
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { InvalidArgumentError } from "../../util/errors.ts";

/** The root cpuset: the CPUs and memory nodes containers may ask for. */
const CPUSET = "/sys/fs/cgroup/cpuset";

/** The CPU fields of a HostConfig or an update body (0/""/absent = unset). */
export type CpuResources = {
  NanoCpus?: number | null;
  CpuPeriod?: number | null;
  CpuQuota?: number | null;
  CpusetCpus?: string | null;
  CpusetMems?: string | null;
};

/** Where the host's cpuset lists come from (a fake in unit tests). */
export type CpusetSource = { cpus(): string; mems(): string };

/** The host's root cpuset (cgroup v1), read when a request names a cpuset. */
export const hostCpuset: CpusetSource = {
  cpus: () => readFileSync(`${CPUSET}/cpuset.cpus`, "utf8").trim(),
  mems: () => readFileSync(`${CPUSET}/cpuset.mems`, "utf8").trim(),
};

/**
 * Throws InvalidArgumentError with moby's (Docker 28) text for CPU fields
 * dockerd refuses, on create and update alike.
 */
export function checkCpuResources(
  r: CpuResources,
  o: { cpus?: number; cpuset?: CpusetSource } = {},
): void {
  const nano = r.NanoCpus ?? 0;
  const period = r.CpuPeriod ?? 0;
  const quota = r.CpuQuota ?? 0;
  if (nano > 0 && period > 0)
    throw new InvalidArgumentError(
      "Conflicting options: Nano CPUs and CPU Period cannot both be set",
    );
  if (nano > 0 && quota > 0)
    throw new InvalidArgumentError(
      "Conflicting options: Nano CPUs and CPU Quota cannot both be set",
    );
  const cpus = o.cpus ?? availableParallelism();
  if (nano !== 0 && (nano < 0 || nano > cpus * 1e9))
    throw new InvalidArgumentError(
      `range of CPUs is from 0.01 to ${cpus}.00, as there are only ${cpus} CPUs available`,
    );
  if (period !== 0 && (period < 1000 || period > 1_000_000))
    throw new InvalidArgumentError(
      "CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)",
    );
  if (quota > 0 && quota < 1000)
    throw new InvalidArgumentError(
      "CPU cfs quota can not be less than 1ms (i.e. 1000)",
    );
  const source = o.cpuset ?? hostCpuset;
  if (r.CpusetCpus)
    checkCpuset(r.CpusetCpus, () => source.cpus(), ["cpus", "CPUs"]);
  if (r.CpusetMems)
    checkCpuset(r.CpusetMems, () => source.mems(), ["mems", "memory nodes"]);
}

function checkCpuset(
  want: string,
  available: () => string,
  [field, noun]: [string, string],
): void {
  let asked: [number, number][];
  try {
    asked = parseUintList(want);
  } catch (err) {
    throw new InvalidArgumentError(
      `Invalid value ${want} for cpuset ${field}: ${(err as Error).message}`,
    );
  }
  const have = available();
  const offered = parseUintList(have);
  const has = (n: number): boolean =>
    offered.some(([lo, hi]) => lo <= n && n <= hi);
  // Stops at the first value missing, so a huge range costs nothing.
  for (const [lo, hi] of asked)
    for (let n = lo; n <= hi; n++)
      if (!has(n))
        throw new InvalidArgumentError(
          `Requested ${noun} are not available - requested ${want}, available: ${have}`,
        );
}

/**
 * "0-2,4" → [[0,2],[4,4]] (moby's parsers.ParseUintList); throws
 * Error("invalid format: <list>") as moby does, naming the whole list.
 */
export function parseUintList(list: string): [number, number][] {
  if (list === "") return [];
  const bad = new Error(`invalid format: ${list}`);
  const uint = (s: string): number => {
    if (!/^\d+$/.test(s)) throw bad;
    return Number(s);
  };
  return list.split(",").map((part) => {
    const dash = part.indexOf("-");
    if (dash < 0) return [uint(part), uint(part)];
    const lo = uint(part.slice(0, dash));
    const hi = uint(part.slice(dash + 1));
    if (hi < lo) throw bad;
    return [lo, hi];
  });
}
