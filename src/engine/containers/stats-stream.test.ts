import { test } from "node:test";
import assert from "node:assert/strict";
import type { ContainerStatsResponse } from "../../api/stats.ts";
import { emptyBlkio, emptyCpuStats } from "./stats.ts";
import { statsStream, type StatsSource } from "./stats-stream.ts";

/** A source whose cpu total_usage counts the samples taken. */
function source(state: {
  pid: number | undefined;
  gone?: boolean;
}): StatsSource & { samples: number } {
  const s = {
    samples: 0,
    intervalMs: 1,
    current: () =>
      state.gone ? undefined : { name: "/web", id: "abc", pid: state.pid },
    sample: async () => {
      s.samples++;
      const cpu = emptyCpuStats();
      cpu.cpu_usage.total_usage = s.samples;
      return {
        pids_stats: { current: 1 },
        blkio_stats: emptyBlkio(),
        cpu_stats: cpu,
        memory_stats: { usage: 10 },
      };
    },
  };
  return s;
}

async function take(
  it: AsyncIterable<ContainerStatsResponse>,
  n: number,
): Promise<ContainerStatsResponse[]> {
  const out: ContainerStatsResponse[] = [];
  for await (const s of it) {
    out.push(s);
    if (out.length === n) break;
  }
  return out;
}

test("stream: each object carries the previous sample as precpu_stats and preread", async () => {
  const [a, b] = await take(statsStream(source({ pid: 7 })), 2);
  assert.ok(a && b);
  assert.equal(a.preread, "0001-01-01T00:00:00Z");
  assert.equal(a.precpu_stats.cpu_usage.total_usage, 0);
  assert.equal(b.cpu_stats.cpu_usage.total_usage, 2);
  assert.equal(b.precpu_stats.cpu_usage.total_usage, 1);
  assert.equal(b.preread, a.read);
  assert.equal(b.name, "/web");
});

test("stream=false primes precpu with a first read and yields one object", async () => {
  const src = source({ pid: 7 });
  const all = await take(statsStream(src, { stream: false }), 5);
  assert.equal(all.length, 1);
  assert.equal(src.samples, 2);
  assert.equal(all[0]?.precpu_stats.cpu_usage.total_usage, 1);
});

test("one-shot yields the first read at once, without precpu", async () => {
  const src = source({ pid: 7 });
  const all = await take(statsStream(src, { stream: false, oneShot: true }), 5);
  assert.equal(all.length, 1);
  assert.equal(src.samples, 1);
  assert.equal(all[0]?.preread, "0001-01-01T00:00:00Z");
});

test("a stopped container gives Docker's zero object once without stream", async () => {
  const src = source({ pid: undefined });
  const all = await take(statsStream(src, { stream: false }), 5);
  assert.equal(all.length, 1);
  assert.equal(src.samples, 0);
  assert.equal(all[0]?.read, "0001-01-01T00:00:00Z");
  assert.deepEqual(all[0]?.memory_stats, {});
  assert.equal(all[0]?.id, "abc");
});

test("the stream ends when the container is removed or the signal aborts", async () => {
  const state: { pid: number | undefined; gone?: boolean } = { pid: 7 };
  const out: ContainerStatsResponse[] = [];
  for await (const s of statsStream(source(state))) {
    out.push(s);
    if (out.length === 2) state.gone = true;
  }
  assert.equal(out.length, 2);
  const ac = new AbortController();
  let n = 0;
  for await (const _ of statsStream(source({ pid: 7 }), {
    signal: ac.signal,
  })) {
    if (++n === 3) ac.abort();
  }
  assert.equal(n, 3);
});
