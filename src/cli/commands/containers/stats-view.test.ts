import { test } from "node:test";
import assert from "node:assert/strict";
import type { ContainerStatsResponse } from "../../../client/index.ts";
import { cpuPercent, memoryUsage, statsRow } from "./stats-view.ts";

function sample(
  over: Partial<ContainerStatsResponse> = {},
): ContainerStatsResponse {
  const cpu = (total: number, system: number) => ({
    cpu_usage: {
      total_usage: total,
      usage_in_kernelmode: 0,
      usage_in_usermode: 0,
    },
    system_cpu_usage: system,
    online_cpus: 2,
    throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
  });
  return {
    read: "2025-01-01T00:00:01Z",
    preread: "2025-01-01T00:00:00Z",
    pids_stats: { current: 3 },
    blkio_stats: {
      io_service_bytes_recursive: [
        { major: 8, minor: 0, op: "Read", value: 4096 },
        { major: 8, minor: 0, op: "Write", value: 1000 },
        { major: 8, minor: 16, op: "read", value: 904 },
        { major: 8, minor: 0, op: "Total", value: 5096 },
      ],
      io_serviced_recursive: [],
      io_queue_recursive: [],
      io_service_time_recursive: [],
      io_wait_time_recursive: [],
      io_merged_recursive: [],
      io_time_recursive: [],
      sectors_recursive: [],
    },
    num_procs: 0,
    storage_stats: {},
    cpu_stats: cpu(3_000_000, 2_000_000_000),
    precpu_stats: cpu(1_000_000, 1_000_000_000),
    memory_stats: {
      usage: 2 * 1048576,
      stats: { total_inactive_file: 1048576 },
      limit: 64 * 1048576,
    },
    name: "/web",
    id: "0123456789abcdef0123",
    networks: {
      eth0: {
        rx_bytes: 1200,
        rx_packets: 1,
        rx_errors: 0,
        rx_dropped: 0,
        tx_bytes: 648,
        tx_packets: 1,
        tx_errors: 0,
        tx_dropped: 0,
      },
    },
    ...over,
  };
}

test("cpuPercent() is cpu delta / system delta × online cpus × 100", () => {
  // (2e6 / 1e9) × 2 × 100 = 0.4
  assert.equal(cpuPercent(sample()), 0.4);
  const idle = sample();
  idle.precpu_stats = idle.cpu_stats;
  assert.equal(cpuPercent(idle), 0);
});

test("cpuPercent() falls back to the percpu count when online_cpus is missing", () => {
  const s = sample();
  delete s.cpu_stats.online_cpus;
  s.cpu_stats.cpu_usage.percpu_usage = [1, 2, 3, 4];
  assert.equal(cpuPercent(s), 0.8);
});

test("memoryUsage() leaves out the inactive file cache (v1 total_inactive_file, v2 inactive_file)", () => {
  assert.equal(memoryUsage(sample()), 1048576);
  const v2 = sample({
    memory_stats: { usage: 5000, stats: { inactive_file: 1000 }, limit: 1 },
  });
  assert.equal(memoryUsage(v2), 4000);
  assert.equal(memoryUsage(sample({ memory_stats: {} })), 0);
});

test("statsRow() formats Docker's columns", () => {
  assert.deepEqual(statsRow(sample(), { container: "web", trunc: true }), {
    Container: "web",
    Name: "web",
    ID: "0123456789ab",
    CPUPerc: "0.40%",
    MemUsage: "1MiB / 64MiB",
    MemPerc: "1.56%",
    NetIO: "1.2kB / 648B",
    BlockIO: "5kB / 1kB",
    PIDs: "3",
  });
});

test("statsRow() of a stopped container's zero object shows zeros, as Docker does", () => {
  const z = sample({
    memory_stats: {},
    pids_stats: {},
    blkio_stats: { ...sample().blkio_stats, io_service_bytes_recursive: null },
  });
  delete z.networks;
  z.cpu_stats = z.precpu_stats;
  const r = statsRow(z, { container: "web", trunc: false });
  assert.equal(r.CPUPerc, "0.00%");
  assert.equal(r.MemUsage, "0B / 0B");
  assert.equal(r.MemPerc, "0.00%");
  assert.equal(r.NetIO, "0B / 0B");
  assert.equal(r.PIDs, "0");
  assert.equal(r.ID, "0123456789abcdef0123");
});
