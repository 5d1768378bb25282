import { test } from "node:test";
import assert from "node:assert/strict";
import { inDependencyOrder } from "./order.ts";

const deps: Record<string, string[]> = {
  web: ["db", "cache"],
  db: [],
  cache: [],
  worker: ["db"],
};

test("dependencies finish first; independent services run in parallel", async () => {
  const log: string[] = [];
  let running = 0;
  let peak = 0;
  await inDependencyOrder(
    Object.keys(deps),
    (n) => deps[n] ?? [],
    async (n) => {
      running++;
      peak = Math.max(peak, running);
      log.push(`start ${n}`);
      await new Promise((ok) => setTimeout(ok, 5));
      log.push(`end ${n}`);
      running--;
    },
  );
  assert.ok(log.indexOf("end db") < log.indexOf("start web"));
  assert.ok(log.indexOf("end cache") < log.indexOf("start web"));
  assert.ok(log.indexOf("end db") < log.indexOf("start worker"));
  assert.ok(peak >= 2);
});

test("reverse order stops dependents first; a failure stops what has not started", async () => {
  const log: string[] = [];
  await inDependencyOrder(
    Object.keys(deps),
    (n) => deps[n] ?? [],
    async (n) => void log.push(n),
    { reverse: true },
  );
  assert.ok(
    log.indexOf("web") < log.indexOf("db") &&
      log.indexOf("worker") < log.indexOf("db"),
  );
  const ran: string[] = [];
  await assert.rejects(
    inDependencyOrder(
      ["db", "web"],
      (n) => deps[n] ?? [],
      async (n) => {
        ran.push(n);
        if (n === "db") throw new Error("db failed");
      },
    ),
    /db failed/,
  );
  assert.deepEqual(ran, ["db"]);
});
