import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  emptyStats,
  memoryLimit,
  memoryStatMap,
  parseBlkioV1,
  parseIoStatV2,
  parseKeyValues,
  parseNetDev,
  parseSystemCpu,
  parseUint,
  readSample,
} from "./stats.ts";

const NET_DEV = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:     120       2    0    0    0     0          0         0      120       2    0    0    0     0       0          0
  eth0:    5338      36    1    2    0     0          0         0      648       8    3    4    0     0       0          0
`;

test("parseNetDev() reads rx/tx counters per interface and leaves lo out", () => {
  assert.deepEqual(parseNetDev(NET_DEV), {
    eth0: {
      rx_bytes: 5338,
      rx_packets: 36,
      rx_errors: 1,
      rx_dropped: 2,
      tx_bytes: 648,
      tx_packets: 8,
      tx_errors: 3,
      tx_dropped: 4,
    },
  });
  assert.deepEqual(parseNetDev(""), {});
});

test("parseSystemCpu() sums the first seven fields of the cpu line in ns", () => {
  const stat =
    "cpu  100 1 50 1000 10 2 3 99 0 0\ncpu0 50 0 25 500 5 1 1 0 0 0\n";
  // 100+1+50+1000+10+2+3 = 1166 ticks at 100 Hz; steal (99) is left out.
  assert.equal(parseSystemCpu(stat), 1166 * 1e7);
  assert.equal(parseSystemCpu("intr 1 2\n"), undefined);
});

test("parseKeyValues() and parseUint() read cgroup files; max is no number", () => {
  assert.deepEqual(
    parseKeyValues("cache 4096\nrss 8192\n\nhierarchical_memory_limit 9\n"),
    { cache: 4096, rss: 8192, hierarchical_memory_limit: 9 },
  );
  assert.equal(parseUint("123\n"), 123);
  assert.equal(parseUint("max\n"), undefined);
  assert.equal(parseUint(""), undefined);
});

test("parseBlkioV1() keeps device lines with their op and drops Total", () => {
  assert.deepEqual(
    parseBlkioV1("8:0 Read 4096\n8:0 Write 512\n8:0 Total 4608\nTotal 4608\n"),
    [
      { major: 8, minor: 0, op: "Read", value: 4096 },
      { major: 8, minor: 0, op: "Write", value: 512 },
      { major: 8, minor: 0, op: "Total", value: 4608 },
    ],
  );
});

test("parseIoStatV2() turns rbytes/wbytes into read/write entries", () => {
  assert.deepEqual(
    parseIoStatV2("254:0 rbytes=7593984 wbytes=100 rios=3 wios=1\n"),
    [
      { major: 254, minor: 0, op: "read", value: 7593984 },
      { major: 254, minor: 0, op: "write", value: 100 },
    ],
  );
});

test("memoryStatMap() keeps Docker's keys, sorted, with 0 for a missing key", () => {
  const m = memoryStatMap("rss 8192\nswap 5\ntotal_rss 8192\n", 1);
  assert.equal(m.rss, 8192);
  assert.equal(m.total_rss, 8192);
  assert.equal(m.cache, 0);
  assert.equal(m.swap, undefined);
  assert.equal(Object.keys(m).length, 32);
  assert.deepEqual(Object.keys(m), [...Object.keys(m)].sort());
  const v2 = memoryStatMap("anon 4096\nzswap 1\n", 2);
  assert.equal(v2.anon, 4096);
  assert.equal(v2.zswap, undefined);
});

test("memoryLimit() reports the host's memory when the cgroup has no limit", () => {
  assert.equal(memoryLimit(9223372036854771712, 8e9), 8e9);
  assert.equal(memoryLimit(undefined, 8e9), 8e9);
  assert.equal(memoryLimit(67108864, 8e9), 67108864);
});

test("emptyStats() is Docker's zero object with only name and id", () => {
  const s = emptyStats("/web", "abc");
  assert.equal(s.read, "0001-01-01T00:00:00Z");
  assert.deepEqual(s.memory_stats, {});
  assert.deepEqual(s.pids_stats, {});
  assert.equal(s.cpu_stats.cpu_usage.total_usage, 0);
  assert.equal(s.blkio_stats.io_service_bytes_recursive, null);
  assert.equal(s.networks, undefined);
});

test("readSample() reads a cgroup v1 tree, /proc/stat and net/dev", async () => {
  const dir = await mkdtemp(join(tmpdir(), "wharf-stats-"));
  try {
    const cg = join(dir, "cg");
    const files: Record<string, string> = {
      "memory/wharf/c1/memory.usage_in_bytes": "1048576\n",
      "memory/wharf/c1/memory.max_usage_in_bytes": "2097152\n",
      "memory/wharf/c1/memory.limit_in_bytes": "67108864\n",
      "memory/wharf/c1/memory.failcnt": "0\n",
      "memory/wharf/c1/memory.stat": "cache 4096\ntotal_inactive_file 4096\n",
      "cpuacct/wharf/c1/cpuacct.usage": "3000000\n",
      "cpuacct/wharf/c1/cpuacct.usage_percpu": "2000000 1000000 \n",
      "cpuacct/wharf/c1/cpuacct.stat": "user 2\nsystem 1\n",
      "cpu/wharf/c1/cpu.stat":
        "nr_periods 5\nnr_throttled 1\nthrottled_time 700\n",
      "pids/wharf/c1/pids.current": "2\n",
      "pids/wharf/c1/pids.max": "max\n",
      "blkio/wharf/c1/blkio.throttle.io_service_bytes_recursive":
        "8:0 Read 4096\nTotal 4096\n",
    };
    for (const [p, t] of Object.entries(files)) {
      await mkdir(join(cg, p, ".."), { recursive: true });
      await writeFile(join(cg, p), t);
    }
    const proc = join(dir, "proc");
    await mkdir(join(proc, "42", "net"), { recursive: true });
    await writeFile(join(proc, "stat"), "cpu  10 0 10 80 0 0 0 0 0 0\n");
    await writeFile(join(proc, "42", "net", "dev"), NET_DEV);
    const s = await readSample("c1", 42, {
      cgroupRoot: cg,
      procRoot: proc,
      hostMemory: 8e9,
      onlineCpus: 2,
    });
    const { stats, ...memory } = s.memory_stats;
    assert.deepEqual(memory, {
      usage: 1048576,
      max_usage: 2097152,
      limit: 67108864,
    });
    assert.equal(stats?.cache, 4096);
    assert.equal(stats?.total_inactive_file, 4096);
    assert.equal(stats?.rss, 0);
    assert.deepEqual(s.cpu_stats, {
      cpu_usage: {
        total_usage: 3000000,
        percpu_usage: [2000000, 1000000],
        usage_in_kernelmode: 1e7,
        usage_in_usermode: 2e7,
      },
      throttling_data: {
        periods: 5,
        throttled_periods: 1,
        throttled_time: 700,
      },
      system_cpu_usage: 100 * 1e7,
      online_cpus: 2,
    });
    // compat: no pids limit is left out (runc reports it as 0, moby omits 0).
    assert.deepEqual(s.pids_stats, { current: 2 });
    assert.deepEqual(s.blkio_stats.io_service_bytes_recursive, [
      { major: 8, minor: 0, op: "Read", value: 4096 },
    ]);
    assert.deepEqual(s.blkio_stats.io_serviced_recursive, []);
    assert.deepEqual(Object.keys(s.networks ?? {}), ["eth0"]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("readSample() reads a cgroup v2 directory when cgroup.controllers exists", async () => {
  const dir = await mkdtemp(join(tmpdir(), "wharf-stats-"));
  try {
    const c = join(dir, "wharf", "c2");
    await mkdir(c, { recursive: true });
    await writeFile(join(dir, "cgroup.controllers"), "cpu memory pids io\n");
    await writeFile(join(c, "memory.current"), "4096\n");
    await writeFile(join(c, "memory.max"), "max\n");
    await writeFile(join(c, "memory.stat"), "anon 4096\ninactive_file 0\n");
    await writeFile(
      join(c, "cpu.stat"),
      "usage_usec 5\nuser_usec 3\nsystem_usec 2\n",
    );
    await writeFile(join(c, "pids.current"), "1\n");
    await writeFile(join(c, "pids.max"), "100\n");
    const s = await readSample("c2", 0, {
      cgroupRoot: dir,
      procRoot: join(dir, "noproc"),
      hostMemory: 8e9,
      onlineCpus: 4,
    });
    assert.equal(s.memory_stats.usage, 4096);
    assert.equal(s.memory_stats.limit, 8e9);
    assert.equal(s.memory_stats.stats?.anon, 4096);
    assert.equal(s.memory_stats.stats?.inactive_file, 0);
    assert.equal(s.cpu_stats.cpu_usage.total_usage, 5000);
    assert.equal(s.cpu_stats.cpu_usage.percpu_usage, undefined);
    assert.deepEqual(s.pids_stats, { current: 1, limit: 100 });
    assert.equal(s.blkio_stats.io_serviced_recursive, null);
    assert.equal(s.networks, undefined);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
