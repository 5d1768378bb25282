/**
 * Wire types of GET /containers/{id}/stats (ContainerStatsResponse in the
 * v1.50 spec), snake_case exactly as Docker sends them. Counters are numbers:
 * byte and nanosecond counters stay exact below 2^53.
 */

/** One blkio line: device, operation ("Read", "Write", … on cgroup v1; "read"/"write" on v2), value. */
export type BlkioStatEntry = {
  major: number;
  minor: number;
  op: string;
  value: number;
};

/** Block I/O counters; on cgroup v2 only io_service_bytes_recursive is set, the rest null. */
export type BlkioStats = {
  io_service_bytes_recursive: BlkioStatEntry[] | null;
  io_serviced_recursive: BlkioStatEntry[] | null;
  io_queue_recursive: BlkioStatEntry[] | null;
  io_service_time_recursive: BlkioStatEntry[] | null;
  io_wait_time_recursive: BlkioStatEntry[] | null;
  io_merged_recursive: BlkioStatEntry[] | null;
  io_time_recursive: BlkioStatEntry[] | null;
  sectors_recursive: BlkioStatEntry[] | null;
};

/** CPU time of the cgroup in nanoseconds (percpu_usage only on cgroup v1). */
export type CpuUsage = {
  total_usage: number;
  percpu_usage?: number[];
  usage_in_kernelmode: number;
  usage_in_usermode: number;
};

/** CFS throttling counters (throttled_time in nanoseconds). */
export type ThrottlingData = {
  periods: number;
  throttled_periods: number;
  throttled_time: number;
};

/** cpu_stats / precpu_stats. system_cpu_usage: host CPU time in ns from /proc/stat. */
export type CpuStats = {
  cpu_usage: CpuUsage;
  system_cpu_usage?: number;
  online_cpus?: number;
  throttling_data: ThrottlingData;
};

/** memory_stats: usage and limit in bytes, stats = memory.stat as a map. */
export type MemoryStats = {
  usage?: number;
  max_usage?: number;
  stats?: Record<string, number>;
  failcnt?: number;
  limit?: number;
};

/** pids_stats: limit 0 = no limit. */
export type PidsStats = { current?: number; limit?: number };

/** Counters of one network interface of the container. */
export type NetworkStats = {
  rx_bytes: number;
  rx_packets: number;
  rx_errors: number;
  rx_dropped: number;
  tx_bytes: number;
  tx_packets: number;
  tx_errors: number;
  tx_dropped: number;
};

/** One stats sample. read/preread: RFC 3339 with nanoseconds ("0001-01-01T00:00:00Z" = unset). */
export type ContainerStatsResponse = {
  read: string;
  preread: string;
  pids_stats: PidsStats;
  blkio_stats: BlkioStats;
  num_procs: number;
  storage_stats: Record<string, never>;
  cpu_stats: CpuStats;
  precpu_stats: CpuStats;
  memory_stats: MemoryStats;
  /** "/name", as Docker sends it. */
  name: string;
  id: string;
  /** Omitted when the container has no network interface but lo. */
  networks?: Record<string, NetworkStats>;
};
