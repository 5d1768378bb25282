/**
 * The sampling loop of GET /containers/{id}/stats, following moby's
 * daemon/stats.go: each object carries the previous sample's cpu_stats as
 * precpu_stats and its read time as preread.
 */
import { cpus, totalmem } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import type { ContainerStatsResponse } from "../../api/stats.ts";
import type { ContainerDeps } from "./deps.ts";
import { isRunning } from "./record.ts";
import { emptyStats, readSample, type Sample } from "./stats.ts";

/** Options of a stats request. */
export type StatsOptions = {
  /** One object per interval until the client leaves (default true). */
  stream?: boolean;
  /** With stream false: answer at once, without the priming read (API ≥ 1.41). */
  oneShot?: boolean;
  signal?: AbortSignal;
};

/** What the loop asks about the container on every tick. */
export type StatsSource = {
  /** Name ("/web") and id, or undefined once the container is removed. */
  current(): { name: string; id: string; pid: number | undefined } | undefined;
  /** Reads a sample of a running container (pid = its init process). */
  sample(id: string, pid: number): Promise<Sample>;
  /** Milliseconds between samples (Docker: 1 s). */
  intervalMs: number;
};

/**
 * Yields stats objects. A container that is not running gives Docker's
 * zeroed object (name and id only): once without stream, every interval
 * with stream. The stream ends when the container is removed or the signal
 * aborts. Without stream and one-shot, the first read only primes precpu.
 */
export async function* statsStream(
  source: StatsSource,
  o: StatsOptions = {},
): AsyncGenerator<ContainerStatsResponse> {
  const stream = o.stream ?? true;
  let prev: Pick<ContainerStatsResponse, "cpu_stats" | "read"> | undefined;
  let primed = false;
  for (;;) {
    const c = source.current();
    if (!c || o.signal?.aborted) return;
    const s =
      c.pid === undefined
        ? emptyStats(c.name, c.id)
        : await sampleOf(source, { name: c.name, id: c.id, pid: c.pid });
    if (prev) {
      s.precpu_stats = prev.cpu_stats;
      s.preread = prev.read;
    }
    prev = s;
    // compat: moby skips the first frame of a non-stream, non-one-shot
    // request so that precpu_stats is filled and the CLI can compute CPU %.
    const skip = !stream && !o.oneShot && c.pid !== undefined && !primed;
    primed = true;
    if (!skip) {
      yield s;
      if (!stream) return;
    }
    try {
      await sleep(source.intervalMs, undefined, { signal: o.signal });
    } catch {
      return;
    }
  }
}

async function sampleOf(
  source: StatsSource,
  c: { name: string; id: string; pid: number },
): Promise<ContainerStatsResponse> {
  const read = new Date().toISOString();
  const sample = await source.sample(c.id, c.pid);
  const empty = emptyStats(c.name, c.id);
  return { ...empty, ...sample, read };
}

/**
 * docker stats: Docker's stats objects from the host's cgroup files, one per
 * second with stream (the default) until the signal aborts or the container
 * is removed. Throws NotFoundError before the first object.
 */
export async function containerStats(
  core: Pick<ContainerDeps, "store">,
  ref: string,
  o: StatsOptions = {},
): Promise<AsyncIterable<ContainerStatsResponse>> {
  const id = core.store.resolve(ref).id;
  const source: StatsSource = {
    current: () => {
      const r = core.store.get(id);
      if (!r) return undefined;
      const pid = isRunning(r) && r.state.pid > 0 ? r.state.pid : undefined;
      return { name: r.name, id: r.id, pid };
    },
    sample: (cid, pid) =>
      readSample(cid, pid, {
        hostMemory: totalmem(),
        onlineCpus: cpus().length,
      }),
    intervalMs: 1000,
  };
  return statsStream(source, o);
}
