/**
 * Create-time checks of the HostConfig and Config fields beyond the basics
 * in create.ts (moby verifyContainerSettings and verifyPlatformContainer-
 * Resources). Fields wharf does not act on are refused when set to
 * anything but the zero value the Docker CLI always sends, so nothing is
 * stored and echoed without effect.
 */
import { existsSync } from "node:fs";
import type { ContainerCreateBody, HostConfig } from "../../api/containers.ts";
import {
  InvalidArgumentError,
  NotImplementedError,
} from "../../util/errors.ts";
import { validateDeviceConfig } from "./devices.ts";
import { checkIsolation } from "./isolation-checks.ts";
import { LOG_DRIVERS } from "../../conventions/log-drivers.ts";

/** Log drivers wharf has: json-file (conmon's log read back) and none. */
const BUILT_LOG_DRIVERS = new Set(["", "json-file", "none"]);

/** cgroup v1 files that tell whether the kernel can apply a limit. */
const CGROUP = "/sys/fs/cgroup";
const BLKIO_WEIGHT = `${CGROUP}/blkio/blkio.weight`;
const BLKIO_WEIGHT_DEVICE = `${CGROUP}/blkio/blkio.weight_device`;
const MEMSW = `${CGROUP}/memory/memory.memsw.limit_in_bytes`;
const CPU_RT = `${CGROUP}/cpu/cpu.rt_runtime_us`;

/**
 * Checks `hc` (defaults applied) and the body's Config fields. Throws
 * InvalidArgumentError (400) with moby's text for bad values and
 * NotImplementedError (501) for fields wharf does not build; drops what
 * the kernel cannot apply, as moby does, and returns the warnings.
 */
export function checkHostConfig(
  hc: HostConfig,
  body: ContainerCreateBody,
  o: {
    runtime: string;
    runtimes?: string[];
    exists?: (path: string) => boolean;
  },
): string[] {
  const exists = o.exists ?? existsSync;
  const warnings: string[] = [];
  refuseUnbuilt(hc, body);
  warnings.push(...checkIsolation(hc));
  checkModes(hc);
  checkRuntime(hc, o.runtimes ?? [o.runtime]);
  checkLogConfig(hc);
  validateDeviceConfig(hc);
  const n = (k: string): number => Number(hc[k] ?? 0);
  const adj = n("OomScoreAdj");
  if (adj < -1000 || adj > 1000)
    throw new InvalidArgumentError(
      `Invalid value ${adj}, range for oom score adj is [-1000, 1000]`,
    );
  const reservation = n("MemoryReservation");
  if (reservation > 0 && reservation < 6 * 1024 * 1024)
    throw new InvalidArgumentError("Minimum memory reservation allowed is 6MB");
  if (hc.Memory > 0 && reservation > hc.Memory)
    throw new InvalidArgumentError(
      "Minimum memory limit can not be less than memory reservation limit, see usage",
    );
  const swap = n("MemorySwap");
  if (swap > 0 && hc.Memory === 0)
    throw new InvalidArgumentError(
      "You should always set the Memory limit when using Memoryswap limit, see usage",
    );
  if (hc.Memory > 0 && swap > 0 && swap < hc.Memory)
    throw new InvalidArgumentError(
      "Minimum memoryswap limit should be larger than memory limit, see usage",
    );
  if (swap !== 0 && !exists(MEMSW)) {
    warnings.push(
      "Your kernel does not support swap limit capabilities or the cgroup is not mounted. Memory limited without swap.",
    );
    hc.MemorySwap = -1;
  }
  const swappiness = hc.MemorySwappiness;
  if (typeof swappiness === "number" && swappiness !== -1)
    if (swappiness < 0 || swappiness > 100)
      throw new InvalidArgumentError(
        `Invalid value: ${swappiness}, valid memory swappiness range is 0-100`,
      );
  if (hc.OomKillDisable === true && hc.Memory === 0)
    warnings.push(
      "OOM killer is disabled for the container, but no memory limit is set, this can result in the system running out of resources.",
    );
  const rtPeriod = n("CpuRealtimePeriod");
  const rtRuntime = n("CpuRealtimeRuntime");
  if ((rtPeriod > 0 || rtRuntime > 0) && !exists(CPU_RT))
    throw new InvalidArgumentError(
      "Your kernel does not support cgroup cpu real-time period",
    );
  if (rtPeriod > 0 && rtRuntime > rtPeriod)
    throw new InvalidArgumentError(
      "cpu real-time runtime cannot be higher than cpu real-time period",
    );
  const weight = n("BlkioWeight");
  if (weight > 0 && (weight < 10 || weight > 1000))
    throw new InvalidArgumentError("Range of blkio weight is from 10 to 1000");
  if (weight > 0 && !exists(BLKIO_WEIGHT)) {
    warnings.push(
      "Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.",
    );
    hc.BlkioWeight = 0;
  }
  const weightDevices = hc.BlkioWeightDevice;
  if (Array.isArray(weightDevices) && weightDevices.length)
    if (!exists(BLKIO_WEIGHT_DEVICE)) {
      warnings.push(
        "Your kernel does not support Block I/O weight_device or the cgroup is not mounted. Weight-device discarded.",
      );
      hc.BlkioWeightDevice = [];
    }
  return warnings;
}

/**
 * Fields wharf does not build, keyed by the flag that sets them. Each is
 * refused when set to anything but the CLI's zero value.
 */
const UNBUILT: [key: string, flag: string][] = [
  ["Cgroup", "HostConfig.Cgroup"],
  ["StorageOpt", "--storage-opt"],
  ["DeviceRequests", "--gpus"],
  ["CpuCount", "--cpu-count"],
  ["CpuPercent", "--cpu-percent"],
];

function refuseUnbuilt(hc: HostConfig, body: ContainerCreateBody): void {
  for (const [key, flag] of UNBUILT)
    if (isSet(hc[key]))
      throw new NotImplementedError(
        `not implemented: ${flag} (HostConfig.${key})`,
      );
  // compat: moby's verifyPlatformContainerResources text on Linux.
  if (isSet(hc.IOMaximumBandwidth) || isSet(hc.IOMaximumIOps))
    throw new InvalidArgumentError(
      "Invalid QoS settings: linux does not support configuration of maximum bandwidth or maximum IOPs",
    );
  if (body.NetworkDisabled === true)
    throw new NotImplementedError(
      "not implemented: Config.NetworkDisabled (use --network none)",
    );
}

function checkModes(hc: HostConfig): void {
  const mode = (k: string): string => (typeof hc[k] === "string" ? hc[k] : "");
  const isolation = mode("Isolation");
  if (isolation !== "" && isolation !== "default")
    throw new InvalidArgumentError(`invalid isolation '${isolation}' on linux`);
  // UsernsMode: compat: dockerd takes anything but "host" as a private
  // namespace (the Docker CLI refuses other values itself); userns.ts.
  const cgroupns = mode("CgroupnsMode");
  if (!["", "host", "private"].includes(cgroupns))
    throw new InvalidArgumentError(
      `invalid cgroup namespace mode: ${cgroupns}`,
    );
  // container:<ref> is checked at start, when the donor must be running (as moby).
  const joins = (m: string): boolean => /^container:./.test(m);
  const pid = mode("PidMode");
  if (pid !== "" && pid !== "host" && !joins(pid))
    throw new InvalidArgumentError(`invalid PID mode: ${pid}`);
  const ipc = mode("IpcMode");
  if (
    !["", "host", "private", "shareable", "none"].includes(ipc) &&
    !joins(ipc)
  )
    throw new InvalidArgumentError(`invalid IPC mode: ${ipc}`);
  const uts = mode("UTSMode");
  if (uts !== "" && uts !== "host")
    throw new InvalidArgumentError(`invalid UTS mode: ${uts}`);
}

function checkRuntime(hc: HostConfig, runtimes: string[]): void {
  const want = typeof hc.Runtime === "string" ? hc.Runtime : "";
  if (want === "" || runtimes.includes(want)) return;
  // compat: moby's text (daemon/runtime_unix.go getRuntime).
  throw new InvalidArgumentError(`Unknown runtime specified ${want}`);
}

function checkLogConfig(hc: HostConfig): void {
  const lc = (hc.LogConfig ?? {}) as {
    Type?: string;
    Config?: Record<string, string> | null;
  };
  const type = lc.Type ?? "";
  if (type !== "" && !LOG_DRIVERS.includes(type))
    throw new InvalidArgumentError(
      `logger: no log driver named '${type}' is registered`,
    );
  if (!BUILT_LOG_DRIVERS.has(type))
    throw new NotImplementedError(`not implemented: logging driver "${type}"`);
  const opts = Object.keys(lc.Config ?? {});
  if (opts.length)
    throw new NotImplementedError(
      `not implemented: log options (--log-opt ${opts.join(", ")})`,
    );
}

/** Whether a field holds more than the zero value the Docker CLI sends. */
function isSet(v: unknown): boolean {
  if (v === undefined || v === null || v === "" || v === 0 || v === false)
    return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === "object") return Object.keys(v).length > 0;
  return true;
}
