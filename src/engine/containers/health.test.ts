import { test } from "node:test";
import assert from "node:assert/strict";
import type { HealthLogEntry, HealthState } from "../../api/containers.ts";
import {
  applyProbeResult,
  checkHealthFilter,
  goDuration,
  hasHealthcheck,
  healthPlan,
  mergeHealthcheck,
  nextProbeDelay,
  startingHealth,
  truncateOutput,
  validateHealthcheck,
} from "./health.ts";

const S = 1_000_000_000;
const T0 = Date.parse("2026-01-01T00:00:00Z");

function result(code: number, atMs: number): HealthLogEntry {
  return {
    Start: new Date(T0 + atMs).toISOString(),
    End: new Date(T0 + atMs + 5).toISOString(),
    ExitCode: code,
    Output: "",
  };
}

function run(codes: number[], o = { retries: 3, startPeriodMs: 0 }) {
  let state: HealthState = startingHealth(undefined);
  const changes: string[] = [];
  codes.forEach((c, i) => {
    const r = applyProbeResult(state, result(c, (i + 1) * 1000), {
      ...o,
      startedAtMs: T0,
    });
    state = r.state;
    if (r.changed) changes.push(r.changed);
  });
  return { state, changes };
}

test("healthPlan applies Docker's defaults and the CMD / CMD-SHELL / NONE forms", () => {
  assert.deepEqual(healthPlan({ Test: ["CMD-SHELL", "true"] }, undefined), {
    argv: ["/bin/sh", "-c", "true"],
    intervalMs: 30_000,
    timeoutMs: 30_000,
    startPeriodMs: 0,
    startIntervalMs: 5_000,
    retries: 3,
  });
  const p = healthPlan(
    {
      Test: ["CMD", "wget", "-q", "x"],
      Interval: S,
      Timeout: 2 * S,
      Retries: 5,
    },
    ["/bin/bash", "-c"],
  );
  assert.deepEqual(p?.argv, ["wget", "-q", "x"]);
  assert.equal(p?.intervalMs, 1000);
  assert.equal(p?.timeoutMs, 2000);
  assert.equal(p?.retries, 5);
  assert.deepEqual(
    healthPlan({ Test: ["CMD-SHELL", "x"] }, ["/bin/bash", "-c"])?.argv,
    ["/bin/bash", "-c", "x"],
  );
  assert.equal(healthPlan({ Test: ["NONE"] }, undefined), undefined);
  assert.equal(healthPlan(undefined, undefined), undefined);
  assert.equal(hasHealthcheck({ Test: ["NONE"] }), false);
  assert.equal(hasHealthcheck({ Test: ["CMD", "true"] }), true);
});

test("a passing probe makes it healthy once; retries failures in a row make it unhealthy", () => {
  assert.deepEqual(run([0, 0, 0]).changes, ["healthy"]);
  const bad = run([1, 1, 1, 1]);
  assert.deepEqual(bad.changes, ["unhealthy"]);
  assert.equal(bad.state.FailingStreak, 4);
  const flap = run([0, 1, 1, 0, 1, 1, 1]);
  assert.deepEqual(flap.changes, ["healthy", "unhealthy"]);
  assert.equal(run([1, 1, 0]).state.FailingStreak, 0);
  assert.deepEqual(run([2, 2], { retries: 2, startPeriodMs: 0 }).changes, [
    "unhealthy",
  ]);
});

test("failures inside the start period do not count while starting", () => {
  const r = run([1, 1, 1, 1], { retries: 1, startPeriodMs: 3500 });
  // Probes at 1 s, 2 s and 3 s are inside the 3.5 s start period.
  assert.equal(r.state.FailingStreak, 1);
  assert.deepEqual(r.changes, ["unhealthy"]);
});

test("the log keeps the last five results", () => {
  const r = run([1, 1, 1, 1, 1, 1, 0]);
  assert.equal(r.state.Log.length, 5);
  assert.equal(r.state.Log[4]?.ExitCode, 0);
  assert.equal(startingHealth(r.state).Log.length, 5, "kept across restarts");
});

test("nextProbeDelay uses the start interval only while starting in the start period", () => {
  const p = healthPlan(
    {
      Test: ["CMD", "x"],
      Interval: 10 * S,
      StartPeriod: 60 * S,
      StartInterval: S,
    },
    undefined,
  )!;
  assert.equal(nextProbeDelay(p, "starting", 5000), 1000);
  assert.equal(nextProbeDelay(p, "healthy", 5000), 10_000);
  assert.equal(nextProbeDelay(p, "starting", 60_000), 10_000);
});

test("validateHealthcheck and the ps health filter answer with moby's wording", () => {
  validateHealthcheck({ Test: ["CMD", "x"], Interval: 0 });
  assert.throws(
    () => validateHealthcheck({ Interval: 1000 }),
    /^InvalidArgumentError: Interval in Healthcheck cannot be less than 1ms$/,
  );
  assert.throws(
    () => validateHealthcheck({ Retries: -1 }),
    /Retries in Healthcheck cannot be negative/,
  );
  checkHealthFilter(["starting", "healthy", "unhealthy", "none"]);
  assert.throws(
    () => checkHealthFilter(["bogus"]),
    /Unrecognised filter value for health: bogus/,
  );
});

test("mergeHealthcheck fills what the user left at zero from the image", () => {
  const image = { Test: ["CMD", "img"], Interval: 5 * S, Retries: 7 };
  assert.deepEqual(mergeHealthcheck(undefined, image), image);
  assert.deepEqual(mergeHealthcheck({ Interval: S }, image), {
    Test: ["CMD", "img"],
    Interval: S,
    Retries: 7,
  });
  assert.deepEqual(mergeHealthcheck({ Test: ["NONE"] }, image), {
    Test: ["NONE"],
    Interval: 5 * S,
    Retries: 7,
  });
  assert.equal(mergeHealthcheck(undefined, undefined), undefined);
});

test("goDuration and truncateOutput format as Docker does", () => {
  assert.equal(goDuration(1000), "1s");
  assert.equal(goDuration(30_000), "30s");
  assert.equal(goDuration(90_000), "1m30s");
  assert.equal(goDuration(500), "500ms");
  assert.equal(goDuration(1500), "1.5s");
  assert.equal(goDuration(3_600_000), "1h0m0s");
  assert.equal(truncateOutput([Buffer.alloc(5000, "a")]).length, 4096);
});
