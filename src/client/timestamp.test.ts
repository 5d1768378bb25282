import { test } from "node:test";
import assert from "node:assert/strict";
import { parseGoDuration, toApiTimestamp } from "./timestamp.ts";

test("Go durations parse into milliseconds", () => {
  assert.equal(parseGoDuration("1h30m"), 5_400_000);
  assert.equal(parseGoDuration("1.5s"), 1500);
  assert.equal(parseGoDuration("10"), undefined);
});

test("durations become now minus the duration, dates become Unix seconds", () => {
  assert.equal(toApiTimestamp("10s", 100_000), "90.000000000");
  assert.equal(toApiTimestamp("2024-01-02T03:04:05Z"), "1704164645.000000000");
  assert.equal(toApiTimestamp("1700000000"), "1700000000");
});
