/**
 * Reads one stats sample of a running container from its cgroup and netns.
 * The files (crun's cgroupfs manager, cgroupsPath /wharf/<id>, see spec.ts):
 *
 *   cgroup v1 (hybrid on this host)       cgroup v2 (unified, best effort)
 *   /sys/fs/cgroup/                       /sys/fs/cgroup/wharf/<id>/
 *     memory/wharf/<id>/memory.{usage_in_bytes,max_usage_in_bytes,
 *                        limit_in_bytes,failcnt,stat}    memory.{current,max,stat}
 *     cpuacct/wharf/<id>/cpuacct.{usage,usage_percpu,stat}  cpu.stat (usec)
 *     cpu/wharf/<id>/cpu.stat            (throttling)
 *     pids/wharf/<id>/pids.{current,max}                 pids.{current,max}
 *     blkio/wharf/<id>/blkio.throttle.io_service{_bytes,d}_recursive  io.stat
 *   /proc/stat                            host CPU time (system_cpu_usage)
 *   /proc/<init pid>/net/dev              interfaces of the container's netns
 *
 * The parse* functions are pure; readSample does the IO. Numbers follow
 * moby's daemon/stats_unix.go over runc's libcontainer cgroup readers.
 */
import { ZERO_TIME } from "./record.ts";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type {
  BlkioStatEntry,
  BlkioStats,
  ContainerStatsResponse,
  CpuStats,
  MemoryStats,
  NetworkStats,
  PidsStats,
} from "../../api/stats.ts";

/** What one read of the cgroup and netns gives; the stream adds times, name and precpu. */
export type Sample = Pick<
  ContainerStatsResponse,
  "pids_stats" | "blkio_stats" | "cpu_stats" | "memory_stats" | "networks"
>;

/** Where and how to read; the defaults are the host's. */
export type SampleOptions = {
  cgroupRoot?: string;
  procRoot?: string;
  /** Host memory in bytes: the limit reported when the container has none. */
  hostMemory: number;
  onlineCpus: number;
  /** USER_HZ of /proc/stat and cpuacct.stat (100 on Linux). */
  clockTicks?: number;
};

const NS_PER_SEC = 1e9;

/** The Go zero time Docker prints for an unset read/preread. */
export { ZERO_TIME };

/** "key value" lines (memory.stat, cpu.stat, cpuacct.stat) → map; other lines are skipped. */
export function parseKeyValues(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split("\n")) {
    const [k, v, extra] = line.trim().split(/\s+/);
    if (k && v !== undefined && extra === undefined && /^\d+$/.test(v))
      out[k] = Number(v);
  }
  return out;
}

// compat: moby reports a fixed set of memory.stat keys (containerd's cgroup
// metrics), in Go's sorted map order; the rest of memory.stat is dropped.
const V1_MEMORY_KEYS = [
  "cache",
  "rss",
  "rss_huge",
  "mapped_file",
  "dirty",
  "writeback",
  "pgpgin",
  "pgpgout",
  "pgfault",
  "pgmajfault",
  "inactive_anon",
  "active_anon",
  "inactive_file",
  "active_file",
  "unevictable",
];
const V2_MEMORY_KEYS = [
  "anon",
  "file",
  "kernel_stack",
  "slab",
  "sock",
  "shmem",
  "file_mapped",
  "file_dirty",
  "file_writeback",
  "anon_thp",
  "inactive_anon",
  "active_anon",
  "inactive_file",
  "active_file",
  "unevictable",
  "slab_reclaimable",
  "slab_unreclaimable",
  "pgfault",
  "pgmajfault",
  "workingset_refault",
  "workingset_activate",
  "workingset_nodereclaim",
  "pgrefill",
  "pgscan",
  "pgsteal",
  "pgactivate",
  "pgdeactivate",
  "pglazyfree",
  "pglazyfreed",
  "thp_fault_alloc",
  "thp_collapse_alloc",
];

/**
 * memory.stat → the keys Docker reports, sorted: on cgroup v1 the keys
 * above, their total_* forms and the hierarchical limits; on v2 the v2 keys.
 * A key missing from the file is 0, as in moby.
 */
export function memoryStatMap(
  text: string,
  version: 1 | 2,
): Record<string, number> {
  const all = parseKeyValues(text);
  const keys =
    version === 1
      ? [
          ...V1_MEMORY_KEYS,
          ...V1_MEMORY_KEYS.map((k) => `total_${k}`),
          "hierarchical_memory_limit",
          "hierarchical_memsw_limit",
        ]
      : V2_MEMORY_KEYS;
  return Object.fromEntries(keys.sort().map((k) => [k, all[k] ?? 0]));
}

/** A single-number cgroup file; "max" (no limit) and junk give undefined. */
export function parseUint(text: string): number | undefined {
  const t = text.trim();
  return /^\d+$/.test(t) ? Number(t) : undefined;
}

/** blkio.throttle.* of cgroup v1: "8:0 Read 4096" lines; the "Total" line is dropped. */
export function parseBlkioV1(text: string): BlkioStatEntry[] {
  const out: BlkioStatEntry[] = [];
  for (const line of text.split("\n")) {
    const m = /^(\d+):(\d+)\s+(\S+)\s+(\d+)$/.exec(line.trim());
    if (m)
      out.push({
        major: Number(m[1]),
        minor: Number(m[2]),
        op: m[3] ?? "",
        value: Number(m[4]),
      });
  }
  return out;
}

/** io.stat of cgroup v2 → read/write byte entries, as moby reports them on v2. */
export function parseIoStatV2(text: string): BlkioStatEntry[] {
  const out: BlkioStatEntry[] = [];
  for (const line of text.split("\n")) {
    const [dev, ...fields] = line.trim().split(/\s+/);
    const m = /^(\d+):(\d+)$/.exec(dev ?? "");
    if (!m) continue;
    const kv = Object.fromEntries(fields.map((f) => f.split("=")));
    for (const [key, op] of [
      ["rbytes", "read"],
      ["wbytes", "write"],
    ] as const)
      if (kv[key] !== undefined)
        out.push({
          major: Number(m[1]),
          minor: Number(m[2]),
          op,
          value: Number(kv[key]),
        });
  }
  return out;
}

/** /proc/<pid>/net/dev → counters per interface, without lo (Docker reports only endpoints). */
export function parseNetDev(text: string): Record<string, NetworkStats> {
  const out: Record<string, NetworkStats> = {};
  for (const line of text.split("\n").slice(2)) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const n = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    if (name === "lo" || n.length < 16) continue;
    // Columns: rx bytes packets errs drop fifo frame compressed multicast, then tx bytes packets errs drop …
    out[name] = {
      rx_bytes: n[0] ?? 0,
      rx_packets: n[1] ?? 0,
      rx_errors: n[2] ?? 0,
      rx_dropped: n[3] ?? 0,
      tx_bytes: n[8] ?? 0,
      tx_packets: n[9] ?? 0,
      tx_errors: n[10] ?? 0,
      tx_dropped: n[11] ?? 0,
    };
  }
  return out;
}

/**
 * /proc/stat → host CPU time in nanoseconds: the "cpu" line's user, nice,
 * system, idle, iowait, irq and softirq ticks (steal and guest are left out,
 * as moby's getSystemCPUUsage does). Undefined when the line is missing.
 */
export function parseSystemCpu(
  text: string,
  clockTicks = 100,
): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith("cpu "));
  const parts = line?.trim().split(/\s+/) ?? [];
  if (parts.length < 8) return undefined;
  const ticks = parts.slice(1, 8).reduce((s, p) => s + Number(p), 0);
  return (ticks * NS_PER_SEC) / clockTicks;
}

/** cpu_stats with every counter at zero (Go's zero value, as Docker sends it). */
export function emptyCpuStats(): CpuStats {
  return {
    cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 },
    throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
  };
}

/** blkio_stats with every list null (cgroup v2's shape, and Docker's zero value), or with "empty" every list [] (cgroup v1's). */
export function emptyBlkio(lists: "null" | "empty" = "null"): BlkioStats {
  const none = (): BlkioStatEntry[] | null => (lists === "empty" ? [] : null);
  return {
    io_service_bytes_recursive: none(),
    io_serviced_recursive: none(),
    io_queue_recursive: none(),
    io_service_time_recursive: none(),
    io_wait_time_recursive: none(),
    io_merged_recursive: none(),
    io_time_recursive: none(),
    sectors_recursive: none(),
  };
}

/**
 * The object Docker answers for a container that is not running: zero
 * values, Go's zero read time, only name and id filled in.
 */
export function emptyStats(name: string, id: string): ContainerStatsResponse {
  return {
    read: ZERO_TIME,
    preread: ZERO_TIME,
    pids_stats: {},
    blkio_stats: emptyBlkio(),
    num_procs: 0,
    storage_stats: {},
    cpu_stats: emptyCpuStats(),
    precpu_stats: emptyCpuStats(),
    memory_stats: {},
    name,
    id,
  };
}

/** Reads a file as text, "" when it is missing (a controller not mounted, a process gone). */
async function text(path: string): Promise<string> {
  return readFile(path, "utf8").catch(() => "");
}

/** Memory limit as Docker reports it: no limit (a huge value) → the host's memory. */
export function memoryLimit(
  raw: number | undefined,
  hostMemory: number,
): number {
  // compat: moby replaces a limit above the machine's memory by the machine's memory.
  return raw === undefined || raw > hostMemory ? hostMemory : raw;
}

/**
 * Reads one sample of container `id` whose init process is `pid`. Never
 * throws for missing files: a counter that cannot be read is 0 or left out.
 */
export async function readSample(
  id: string,
  pid: number,
  o: SampleOptions,
): Promise<Sample> {
  const root = o.cgroupRoot ?? "/sys/fs/cgroup";
  const proc = o.procRoot ?? "/proc";
  const hz = o.clockTicks ?? 100;
  const v2 = existsSync(`${root}/cgroup.controllers`);
  const [base, system, netDev] = await Promise.all([
    v2 ? readV2(`${root}/wharf/${id}`, o) : readV1(root, `wharf/${id}`, o),
    text(`${proc}/stat`).then((t) => parseSystemCpu(t, hz)),
    pid > 0 ? text(`${proc}/${pid}/net/dev`) : Promise.resolve(""),
  ]);
  // compat: Docker's key order: cpu_usage, system_cpu_usage, online_cpus, throttling_data.
  const { cpu_usage, throttling_data } = base.cpu_stats;
  base.cpu_stats = {
    cpu_usage,
    ...(system !== undefined ? { system_cpu_usage: system } : {}),
    online_cpus: o.onlineCpus,
    throttling_data,
  };
  const networks = parseNetDev(netDev);
  return Object.keys(networks).length ? { ...base, networks } : base;
}

async function readV1(
  root: string,
  rel: string,
  o: SampleOptions,
): Promise<Sample> {
  const f = (controller: string, file: string) =>
    text(`${root}/${controller}/${rel}/${file}`);
  const [usage, maxUsage, limit, failcnt, memStat] = await Promise.all(
    [
      "usage_in_bytes",
      "max_usage_in_bytes",
      "limit_in_bytes",
      "failcnt",
      "stat",
    ].map((n) => f("memory", `memory.${n}`)),
  );
  const [
    cpuTotal,
    percpu,
    cpuacctStat,
    cpuStat,
    pidsCur,
    pidsMax,
    ioBytes,
    ioOps,
  ] = await Promise.all([
    f("cpuacct", "cpuacct.usage"),
    f("cpuacct", "cpuacct.usage_percpu"),
    f("cpuacct", "cpuacct.stat"),
    f("cpu", "cpu.stat"),
    f("pids", "pids.current"),
    f("pids", "pids.max"),
    f("blkio", "blkio.throttle.io_service_bytes_recursive"),
    f("blkio", "blkio.throttle.io_serviced_recursive"),
  ]);
  const hz = o.clockTicks ?? 100;
  const ticks = parseKeyValues(cpuacctStat ?? "");
  const throttle = parseKeyValues(cpuStat ?? "");
  const memory: MemoryStats = omitZero({
    usage: parseUint(usage ?? ""),
    max_usage: parseUint(maxUsage ?? ""),
    stats: memoryStatMap(memStat ?? "", 1),
    failcnt: parseUint(failcnt ?? ""),
    limit: memoryLimit(parseUint(limit ?? ""), o.hostMemory),
  });
  return {
    // compat: runc reports pids.max "max" as limit 0 (no limit) on cgroup v1.
    pids_stats: pidsStats(pidsCur ?? "", pidsMax ?? ""),
    blkio_stats: {
      // compat: on cgroup v1 the lists Docker cannot fill are empty, not null.
      ...emptyBlkio("empty"),
      io_service_bytes_recursive: parseBlkioV1(ioBytes ?? ""),
      io_serviced_recursive: parseBlkioV1(ioOps ?? ""),
    },
    cpu_stats: {
      cpu_usage: {
        total_usage: parseUint(cpuTotal ?? "") ?? 0,
        percpu_usage: (percpu ?? "")
          .trim()
          .split(/\s+/)
          .filter(Boolean)
          .map(Number),
        usage_in_kernelmode: ((ticks.system ?? 0) * NS_PER_SEC) / hz,
        usage_in_usermode: ((ticks.user ?? 0) * NS_PER_SEC) / hz,
      },
      throttling_data: {
        periods: throttle.nr_periods ?? 0,
        throttled_periods: throttle.nr_throttled ?? 0,
        throttled_time: throttle.throttled_time ?? 0,
      },
    },
    memory_stats: memory,
  };
}

async function readV2(dir: string, o: SampleOptions): Promise<Sample> {
  const [current, max, memStat, cpuStat, pidsCur, pidsMax, io] =
    await Promise.all(
      [
        "memory.current",
        "memory.max",
        "memory.stat",
        "cpu.stat",
        "pids.current",
        "pids.max",
        "io.stat",
      ].map((n) => text(`${dir}/${n}`)),
    );
  const cpu = parseKeyValues(cpuStat ?? "");
  return {
    pids_stats: pidsStats(pidsCur ?? "", pidsMax ?? ""),
    blkio_stats: {
      ...emptyBlkio(),
      io_service_bytes_recursive: parseIoStatV2(io ?? ""),
    },
    cpu_stats: {
      cpu_usage: {
        total_usage: (cpu.usage_usec ?? 0) * 1000,
        usage_in_kernelmode: (cpu.system_usec ?? 0) * 1000,
        usage_in_usermode: (cpu.user_usec ?? 0) * 1000,
      },
      throttling_data: {
        periods: cpu.nr_periods ?? 0,
        throttled_periods: cpu.nr_throttled ?? 0,
        throttled_time: (cpu.throttled_usec ?? 0) * 1000,
      },
    },
    memory_stats: omitZero({
      usage: parseUint(current ?? ""),
      stats: memoryStatMap(memStat ?? "", 2),
      limit: memoryLimit(parseUint(max ?? ""), o.hostMemory),
    }),
  };
}

// compat: moby's PidsStats and MemoryStats fields are omitempty: zeros are left out.
function pidsStats(current: string, max: string): PidsStats {
  return omitZero({ current: parseUint(current), limit: parseUint(max) });
}

function omitZero<T extends Record<string, unknown>>(
  o: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(
    Object.entries(o).filter(([, v]) => v !== undefined && v !== 0),
  ) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
