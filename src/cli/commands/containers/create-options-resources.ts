/**
 * The resource, device, logging and runtime flags of run and create,
 * translated into HostConfig as the Docker CLI 28 builds it
 * (docker/cli cli/command/container/opts.go): --cpus and the --cpu-*
 * family, --memory-*, --oom-*, --pids-limit, --shm-size, --ulimit,
 * --device*, --blkio-weight*, --sysctl, --log-driver/--log-opt, --runtime,
 * --userns, --storage-opt, --cgroup-parent, --cgroupns, --group-add,
 * --annotation, --isolation, --gpus, and the Windows-only flags the CLI
 * refuses on Linux. Values the CLI itself checks fail here with its words.
 */
import { StatusError } from "../../command.ts";
import type { FlagSpec, ParsedFlags } from "../../flags.ts";
import { ramInBytes } from "./ram-in-bytes.ts";
import { checkSysctl } from "./sysctl.ts";
import { ULIMIT_NAMES } from "../../../conventions/ulimits.ts";

const str = (
  name: string,
  description: string,
  valueName?: string,
): FlagSpec => ({
  name,
  type: "string",
  description,
  ...(valueName ? { valueName } : {}),
});
const list = (name: string, description: string): FlagSpec => ({
  name,
  type: "list",
  description,
});
const int = (name: string, description: string): FlagSpec => ({
  name,
  type: "int",
  description,
});

/** The flags, for CREATE_FLAGS. */
export const RESOURCE_FLAGS: FlagSpec[] = [
  list(
    "annotation",
    "Add an annotation to the container (passed through to the OCI runtime)",
  ),
  {
    ...int(
      "blkio-weight",
      "Block IO (relative weight), between 10 and 1000, or 0 to disable (default 0)",
    ),
    valueName: "uint16",
  },
  list("blkio-weight-device", "Block IO weight (relative device weight)"),
  str("cgroup-parent", "Optional parent cgroup for the container"),
  str("cgroupns", "Cgroup namespace to use (host|private)"),
  int("cpu-count", "CPU count (Windows only)"),
  int("cpu-percent", "CPU percent (Windows only)"),
  int("cpu-period", "Limit CPU CFS (Completely Fair Scheduler) period"),
  int("cpu-quota", "Limit CPU CFS (Completely Fair Scheduler) quota"),
  int("cpu-rt-period", "Limit CPU real-time period in microseconds"),
  int("cpu-rt-runtime", "Limit CPU real-time runtime in microseconds"),
  { ...int("cpu-shares", "CPU shares (relative weight)"), short: "c" },
  str("cpus", "Number of CPUs", "decimal"),
  str("cpuset-cpus", "CPUs in which to allow execution (0-3, 0,1)"),
  str("cpuset-mems", "MEMs in which to allow execution (0-3, 0,1)"),
  list("device", "Add a host device to the container"),
  list("device-cgroup-rule", "Add a rule to the cgroup allowed devices list"),
  list("device-read-bps", "Limit read rate (bytes per second) from a device"),
  list("device-read-iops", "Limit read rate (IO per second) from a device"),
  list("device-write-bps", "Limit write rate (bytes per second) to a device"),
  list("device-write-iops", "Limit write rate (IO per second) to a device"),
  str(
    "gpus",
    "GPU devices to add to the container ('all' to pass all GPUs)",
    "gpu-request",
  ),
  list("group-add", "Add additional groups to join"),
  str(
    "io-maxbandwidth",
    "Maximum IO bandwidth limit for the system drive (Windows only)",
    "bytes",
  ),
  str(
    "io-maxiops",
    "Maximum IOps limit for the system drive (Windows only)",
    "uint",
  ),
  str("isolation", "Container isolation technology"),
  str("kernel-memory", "Kernel memory limit", "bytes"),
  list("log-opt", "Log driver options"),
  str("log-driver", "Logging driver for the container"),
  str("memory-reservation", "Memory soft limit", "bytes"),
  str(
    "memory-swap",
    "Swap limit equal to memory plus swap: '-1' to enable unlimited swap",
    "bytes",
  ),
  {
    ...int("memory-swappiness", "Tune container memory swappiness (0 to 100)"),
    default: -1,
  },
  { name: "oom-kill-disable", type: "bool", description: "Disable OOM Killer" },
  int("oom-score-adj", "Tune host's OOM preferences (-1000 to 1000)"),
  int("pids-limit", "Tune container pids limit (set -1 for unlimited)"),
  str("runtime", "Runtime to use for this container"),
  str("shm-size", "Size of /dev/shm", "bytes"),
  list("storage-opt", "Storage driver options for the container"),
  { ...list("sysctl", "Sysctl options"), valueName: "map" },
  { ...list("ulimit", "Ulimit options"), valueName: "ulimit" },
  str("userns", "User namespace to use"),
];

/** Splits "k=v" pairs into a map ("k" alone maps to ""), as Docker's ConvertKVStringsToMap. */
function kvMap(items: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of items) {
    const eq = i.indexOf("=");
    if (eq < 0) out[i] = "";
    else out[i.slice(0, eq)] = i.slice(eq + 1);
  }
  return out;
}

function flagError(value: string, flag: string, why: string): StatusError {
  return new StatusError(
    `invalid argument "${value}" for "--${flag}" flag: ${why}`,
    125,
  );
}

/** --ulimit name=soft[:hard] (go-units ParseUlimit). */
export function parseUlimit(spec: string): {
  Name: string;
  Hard: number;
  Soft: number;
} {
  const [name = "", value] = spec.split("=", 2);
  if (value === undefined)
    throw flagError(spec, "ulimit", `invalid ulimit argument: ${spec}`);
  if (!ULIMIT_NAMES.includes(name))
    throw flagError(spec, "ulimit", `invalid ulimit type: ${name}`);
  const parts = value.split(":");
  if (parts.length > 2)
    throw flagError(
      spec,
      "ulimit",
      `too many limit value arguments - ${value}, can only have up to two, \`soft[:hard]\``,
    );
  const num = (s: string): number => {
    if (!/^-?\d+$/.test(s))
      throw flagError(
        spec,
        "ulimit",
        `strconv.ParseInt: parsing "${s}": invalid syntax`,
      );
    return Number(s);
  };
  const soft = num(parts[0] ?? "");
  const hard = parts[1] !== undefined ? num(parts[1]) : soft;
  if (soft > hard)
    throw flagError(
      spec,
      "ulimit",
      `ulimit soft limit must be less than or equal to hard limit: ${soft} > ${hard}`,
    );
  return { Name: name, Hard: hard, Soft: soft };
}

/** --device src[:dst][:perms] (docker/cli parseDevice). */
export function parseDevice(spec: string): {
  PathOnHost: string;
  PathInContainer: string;
  CgroupPermissions: string;
} {
  const parts = spec.split(":");
  const perms = (p: string): boolean =>
    p.length > 0 && p.length <= 3 && /^[rwm]+$/.test(p);
  let src = parts[0] ?? "";
  let dst = "";
  let mode = "rwm";
  if (parts.length === 3 && perms(parts[2] ?? ""))
    [src = "", dst = "", mode = ""] = parts;
  else if (parts.length === 2 && perms(parts[1] ?? "")) mode = parts[1] ?? "";
  else if (parts.length === 2) dst = parts[1] ?? "";
  else if (parts.length !== 1)
    throw flagError(spec, "device", `bad format for path: ${spec}`);
  if (parts.length === 3 && !perms(parts[2] ?? ""))
    throw flagError(spec, "device", `invalid device mode: ${parts[2]}`);
  if (!dst) dst = src;
  return { PathOnHost: src, PathInContainer: dst, CgroupPermissions: mode };
}

/** --device-{read,write}-{bps,iops} path:rate. */
function throttle(
  flag: string,
  spec: string,
  bytes: boolean,
): { Path: string; Rate: number } {
  const at = spec.lastIndexOf(":");
  if (at < 0) throw flagError(spec, flag, `bad format: ${spec}`);
  const path = spec.slice(0, at);
  const rate = spec.slice(at + 1);
  if (!path.startsWith("/dev/"))
    throw flagError(spec, flag, `bad format for device path: ${spec}`);
  let n = NaN;
  try {
    n = bytes ? ramInBytes(rate) : /^\d+$/.test(rate) ? Number(rate) : NaN;
  } catch {
    n = NaN;
  }
  if (!Number.isFinite(n) || n < 0)
    throw flagError(
      spec,
      flag,
      `invalid rate for device: ${spec}. The correct format is <device-path>:<number>${bytes ? "[<unit>]. Number must be a positive integer. Unit is optional and can be kb, mb, or gb" : ". Number must be a positive integer"}`,
    );
  return { Path: path, Rate: n };
}

/** --blkio-weight-device path:weight (10–1000). */
function weightDevice(spec: string): { Path: string; Weight: number } {
  const at = spec.lastIndexOf(":");
  const path = spec.slice(0, at);
  if (at < 0 || !path.startsWith("/dev/"))
    throw flagError(spec, "blkio-weight-device", `bad format: ${spec}`);
  const w = Number(spec.slice(at + 1));
  if (!/^\d+$/.test(spec.slice(at + 1)) || (w > 0 && (w < 10 || w > 1000)))
    throw flagError(
      spec,
      "blkio-weight-device",
      `invalid weight for device: ${spec}`,
    );
  return { Path: path, Weight: w };
}

/** --gpus all|N|device=a,b|driver=x|capabilities=… (docker/cli opts/gpus.go, its common forms). */
function gpuRequests(spec: string): object[] {
  const req = {
    Driver: "",
    Count: 0,
    DeviceIDs: null as string[] | null,
    Capabilities: [["gpu"]],
    Options: {},
  };
  for (const field of spec.match(/("[^"]*"|[^,])+/g) ?? []) {
    const [k = "", v] = field.replace(/"/g, "").split("=", 2);
    if (v === undefined) {
      if (k === "all") req.Count = -1;
      else if (/^\d+$/.test(k)) req.Count = Number(k);
      else throw flagError(spec, "gpus", `unexpected key '${k}' in '${spec}'`);
    } else if (k === "driver") req.Driver = v;
    else if (k === "count") req.Count = v === "all" ? -1 : Number(v);
    else if (k === "device") req.DeviceIDs = v.split(",");
    else if (k === "capabilities") req.Capabilities = [v.split(",")];
    else throw flagError(spec, "gpus", `unexpected key '${k}' in '${spec}'`);
  }
  return [req];
}

/** HostConfig fields of these flags. Throws StatusError (125) where the Docker CLI refuses. */
export function resourceHostConfig(
  flags: ParsedFlags,
): Record<string, unknown> {
  for (const f of ["cpu-count", "cpu-percent", "io-maxbandwidth", "io-maxiops"])
    if (flags.changed(f))
      // compat: the Docker CLI refuses Windows-only flags against a Linux daemon, before any request.
      throw new StatusError(
        `"--${f}" is only supported on a Docker daemon running on windows, but the Docker daemon is running on linux`,
        125,
      );
  const bytes = (name: string): number => {
    const v = flags.string(name);
    if (!v) return 0;
    try {
      return ramInBytes(v);
    } catch {
      throw flagError(v, name, `invalid size: '${v}'`);
    }
  };
  const cpus = flags.string("cpus");
  const nano = cpus ? Math.round(Number(cpus) * 1e9) : 0;
  if (cpus && (!/^\d*\.?\d+$/.test(cpus) || Number.isNaN(nano)))
    throw flagError(
      cpus,
      "cpus",
      `failed to parse ${cpus} as a rational number`,
    );
  const swappiness = flags.int("memory-swappiness") ?? -1;
  if (swappiness !== -1 && (swappiness < 0 || swappiness > 100))
    throw new StatusError(
      `invalid value: ${swappiness}. Valid memory swappiness range is 0-100`,
      125,
    );
  const swap = flags.string("memory-swap");
  const logDriver = flags.string("log-driver") ?? "";
  const logOpts = flags.list("log-opt");
  if (logDriver === "none" && logOpts.length)
    throw new StatusError("invalid logging opts for driver none", 125);
  for (const s of flags.list("storage-opt"))
    if (!s.includes("=")) throw new StatusError("invalid storage option", 125);
  const sysctls = flags.list("sysctl");
  for (const s of sysctls) checkSysctl(s);
  const out: Record<string, unknown> = {
    LogConfig: { Type: logDriver, Config: kvMap(logOpts) },
    CgroupnsMode: flags.string("cgroupns") ?? "",
    GroupAdd: flags.list("group-add").length ? flags.list("group-add") : null,
    OomScoreAdj: flags.int("oom-score-adj") ?? 0,
    UsernsMode: flags.string("userns") ?? "",
    ShmSize: bytes("shm-size"),
    Isolation: flags.string("isolation") ?? "",
    CpuShares: flags.int("cpu-shares") ?? 0,
    NanoCpus: nano,
    CgroupParent: flags.string("cgroup-parent") ?? "",
    BlkioWeight: flags.int("blkio-weight") ?? 0,
    BlkioWeightDevice: flags.list("blkio-weight-device").map(weightDevice),
    BlkioDeviceReadBps: flags
      .list("device-read-bps")
      .map((s) => throttle("device-read-bps", s, true)),
    BlkioDeviceWriteBps: flags
      .list("device-write-bps")
      .map((s) => throttle("device-write-bps", s, true)),
    BlkioDeviceReadIOps: flags
      .list("device-read-iops")
      .map((s) => throttle("device-read-iops", s, false)),
    BlkioDeviceWriteIOps: flags
      .list("device-write-iops")
      .map((s) => throttle("device-write-iops", s, false)),
    CpuPeriod: flags.int("cpu-period") ?? 0,
    CpuQuota: flags.int("cpu-quota") ?? 0,
    CpuRealtimePeriod: flags.int("cpu-rt-period") ?? 0,
    CpuRealtimeRuntime: flags.int("cpu-rt-runtime") ?? 0,
    CpusetCpus: flags.string("cpuset-cpus") ?? "",
    CpusetMems: flags.string("cpuset-mems") ?? "",
    Devices: flags.list("device").map(parseDevice),
    DeviceCgroupRules: flags.list("device-cgroup-rule").length
      ? flags.list("device-cgroup-rule")
      : null,
    DeviceRequests: flags.string("gpus")
      ? gpuRequests(flags.string("gpus") ?? "")
      : null,
    MemoryReservation: bytes("memory-reservation"),
    // compat: "-1" is unlimited swap; anything else is a size.
    MemorySwap: swap === "-1" ? -1 : bytes("memory-swap"),
    MemorySwappiness: swappiness,
    OomKillDisable: flags.bool("oom-kill-disable"),
    Ulimits: flags.list("ulimit").map(parseUlimit),
    CpuCount: 0,
    CpuPercent: 0,
    IOMaximumIOps: 0,
    IOMaximumBandwidth: 0,
  };
  if (flags.list("annotation").length)
    out.Annotations = kvMap(flags.list("annotation"));
  if (flags.list("storage-opt").length)
    out.StorageOpt = kvMap(flags.list("storage-opt"));
  if (sysctls.length) out.Sysctls = kvMap(sysctls);
  const runtime = flags.string("runtime");
  if (runtime) out.Runtime = runtime;
  const pids = flags.int("pids-limit");
  if (pids) out.PidsLimit = pids;
  return out;
}
