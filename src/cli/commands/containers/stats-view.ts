/**
 * The `stats` row context: the fields `--format` templates see, computed
 * from a stats object the way the Docker CLI's stats helpers do (CPU % from
 * the cpu/precpu deltas, memory without the inactive file cache, sums of
 * network and block I/O).
 */
import type { ContainerStatsResponse } from "../../../client/index.ts";
import { bytesSize, humanSize } from "../../../conventions/human.ts";

/** Header text per field, Docker's column names. */
export const STATS_HEADERS: Record<string, string> = {
  Container: "CONTAINER",
  Name: "NAME",
  ID: "CONTAINER ID",
  CPUPerc: "CPU %",
  MemUsage: "MEM USAGE / LIMIT",
  MemPerc: "MEM %",
  NetIO: "NET I/O",
  BlockIO: "BLOCK I/O",
  PIDs: "PIDS",
};

/** Docker's default table. */
export const STATS_TABLE =
  "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}";

/** One row as templates see it. */
export type StatsRow = Record<keyof typeof STATS_HEADERS, string>;

/**
 * CPU % over the interval between precpu_stats and cpu_stats, scaled by the
 * online CPUs (the Docker CLI's calculateCPUPercentUnix): 0 unless both the
 * container's and the system's counters grew.
 */
export function cpuPercent(s: ContainerStatsResponse): number {
  const cpuDelta =
    s.cpu_stats.cpu_usage.total_usage - s.precpu_stats.cpu_usage.total_usage;
  const systemDelta =
    (s.cpu_stats.system_cpu_usage ?? 0) -
    (s.precpu_stats.system_cpu_usage ?? 0);
  const cpus =
    s.cpu_stats.online_cpus ||
    (s.cpu_stats.cpu_usage.percpu_usage?.length ?? 0);
  if (systemDelta <= 0 || cpuDelta <= 0) return 0;
  return (cpuDelta / systemDelta) * cpus * 100;
}

/** Memory in use without the inactive file cache (total_inactive_file on v1, inactive_file on v2). */
export function memoryUsage(s: ContainerStatsResponse): number {
  const m = s.memory_stats;
  const usage = m.usage ?? 0;
  const v1 = m.stats?.total_inactive_file;
  if (v1 !== undefined && v1 < usage) return usage - v1;
  const v2 = m.stats?.inactive_file ?? 0;
  return v2 < usage ? usage - v2 : usage;
}

/** Read and write bytes summed over the devices (op "read"/"write" in any case). */
export function blockIo(s: ContainerStatsResponse): {
  read: number;
  write: number;
} {
  let read = 0;
  let write = 0;
  for (const e of s.blkio_stats.io_service_bytes_recursive ?? []) {
    const op = e.op.toLowerCase();
    if (op === "read") read += e.value;
    else if (op === "write") write += e.value;
  }
  return { read, write };
}

/** Received and sent bytes summed over the interfaces. */
export function networkIo(s: ContainerStatsResponse): {
  rx: number;
  tx: number;
} {
  let rx = 0;
  let tx = 0;
  for (const n of Object.values(s.networks ?? {})) {
    rx += n.rx_bytes;
    tx += n.tx_bytes;
  }
  return { rx, tx };
}

/** The row of one container; `container` is the name or id the user gave. */
export function statsRow(
  s: ContainerStatsResponse,
  o: { container: string; trunc: boolean },
): StatsRow {
  const used = memoryUsage(s);
  const limit = s.memory_stats.limit ?? 0;
  const net = networkIo(s);
  const blk = blockIo(s);
  // compat: I/O columns use 3 significant digits ("1.2kB / 648B"), memory base 1024.
  const io = (a: number, b: number) =>
    `${humanSize(a, 3)} / ${humanSize(b, 3)}`;
  return {
    Container: o.container,
    Name: s.name.replace(/^\//, "") || "--",
    ID: o.trunc ? s.id.slice(0, 12) : s.id,
    CPUPerc: `${cpuPercent(s).toFixed(2)}%`,
    MemUsage: `${bytesSize(used)} / ${bytesSize(limit)}`,
    MemPerc: `${(limit ? (used / limit) * 100 : 0).toFixed(2)}%`,
    NetIO: io(net.rx, net.tx),
    BlockIO: io(blk.read, blk.write),
    PIDs: String(s.pids_stats.current ?? 0),
  };
}
