import { test } from "node:test";
import assert from "node:assert/strict";
import { goG, humanSize } from "../../conventions/human.ts";
import { goTime, timeAgo } from "./units.ts";

test("humanSize uses base 1000 and Go's %g", () => {
  assert.equal(humanSize(0), "0B");
  assert.equal(humanSize(999), "999B");
  assert.equal(humanSize(1000), "1kB");
  assert.equal(humanSize(4_259_840, 3), "4.26MB");
  assert.equal(humanSize(1_978_000, 3), "1.98MB");
  assert.equal(humanSize(4_259_840), "4.26MB");
  assert.equal(humanSize(4_255_840), "4.256MB");
  assert.equal(humanSize(1_500_000_000), "1.5GB");
});

test("goG switches to exponent form as Go does", () => {
  assert.equal(goG(999.9, 3), "1e+03");
  assert.equal(goG(12.5, 3), "12.5");
  assert.equal(goG(100, 3), "100");
});

test("timeAgo appends ago", () => {
  assert.equal(timeAgo(100, 102_500), "2 seconds ago");
});

test("goTime prints Go's time.Time String in UTC", () => {
  assert.equal(goTime(1704164645), "2024-01-02 03:04:05 +0000 UTC");
});
