import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { mallocTrim } from "../util/libc.ts";
import { Logger } from "../util/log.ts";
import { IdleReclaim, type ReclaimParts } from "./idle-reclaim.ts";

/** Fake V8 and glibc: records every call, RSS is whatever the test sets. */
function fakes(over: Partial<ReclaimParts> = {}): {
  parts: ReclaimParts;
  calls: string[];
  setRss: (bytes: number) => void;
} {
  const calls: string[] = [];
  let rss = 50 << 20;
  const parts: ReclaimParts = {
    gc: (kind) => calls.push(`gc:${kind}`),
    trim: () => {
      calls.push("trim");
      return true;
    },
    rss: () => rss,
    quietMs: 60_000,
    minGrowth: 1 << 20,
    log: new Logger("fatal"),
    ...over,
  };
  return { parts, calls, setRss: (b) => (rss = b) };
}

/** Waits until `done()` holds, checking every few milliseconds (at most 5 s). */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !done(); i++) await sleep(5);
  assert.ok(done(), "condition not reached within 5 s");
}

test("reclaim() trims, collects major, minor, major, then trims again", () => {
  const { parts, calls } = fakes();
  const r = new IdleReclaim(parts);
  assert.equal(r.reclaim(), true);
  assert.deepEqual(calls, ["trim", "gc:major", "gc:minor", "gc:major", "trim"]);
  r.close();
});

test("reclaim() skips when RSS grew less than minGrowth since the last one", () => {
  const { parts, calls, setRss } = fakes();
  const r = new IdleReclaim(parts);
  r.reclaim();
  calls.length = 0;
  setRss((50 << 20) + (1 << 19));
  assert.equal(r.reclaim(), false);
  assert.deepEqual(calls, []);
  setRss((50 << 20) + (2 << 20));
  assert.equal(r.reclaim(), true);
  assert.equal(calls.length, 5);
  r.close();
});

test("without an exposed gc() only malloc_trim runs", () => {
  const { parts, calls } = fakes({ gc: undefined });
  const r = new IdleReclaim(parts);
  assert.equal(r.reclaim(), true);
  assert.deepEqual(calls, ["trim", "trim"]);
  r.close();
});

test("a trim that throws is not tried again, and collections still run", () => {
  let tries = 0;
  const { parts, calls, setRss } = fakes({
    trim: () => {
      tries++;
      throw new Error("libc.so.6: cannot open shared object file");
    },
  });
  const r = new IdleReclaim(parts);
  assert.equal(r.reclaim(), true);
  setRss(100 << 20);
  assert.equal(r.reclaim(), true);
  assert.equal(tries, 1);
  assert.deepEqual(
    calls.filter((c) => c === "gc:major"),
    ["gc:major", "gc:major", "gc:major", "gc:major"],
  );
  r.close();
});

test("the timer reclaims once quiet, and activity() arms it again", async () => {
  const { parts, calls, setRss } = fakes({ quietMs: 1 });
  const r = new IdleReclaim(parts);
  await until(() => calls.length === 5);
  setRss(80 << 20);
  r.activity();
  await until(() => calls.length === 10);
  r.close();
});

test("close() stops a pending reclaim", async () => {
  const { parts, calls } = fakes({ quietMs: 20 });
  const r = new IdleReclaim(parts);
  r.close();
  await sleep(60);
  assert.deepEqual(calls, []);
});

test("mallocTrim() reaches glibc's malloc_trim through koffi", () => {
  // Whether anything was released depends on the heap; the call must succeed.
  assert.equal(typeof mallocTrim(), "boolean");
});
