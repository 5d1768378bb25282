import { test } from "node:test";
import assert from "node:assert/strict";
import { goG, humanDuration, humanSize, timeAgo } from "./units.ts";

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

test("humanDuration follows go-units thresholds", () => {
  assert.equal(humanDuration(400), "Less than a second");
  assert.equal(humanDuration(1000), "1 second");
  assert.equal(humanDuration(5_500), "5 seconds");
  assert.equal(humanDuration(60_000), "About a minute");
  assert.equal(humanDuration(119_000), "About a minute");
  assert.equal(humanDuration(3 * 60_000), "3 minutes");
  assert.equal(humanDuration(59 * 60_000), "59 minutes");
  assert.equal(humanDuration(60 * 60_000), "About an hour");
  assert.equal(humanDuration(2 * 3_600_000), "2 hours");
  assert.equal(humanDuration(3 * 86_400_000), "3 days");
  assert.equal(humanDuration(21 * 86_400_000), "3 weeks");
  assert.equal(humanDuration(90 * 86_400_000), "3 months");
  assert.equal(humanDuration(800 * 86_400_000), "2 years");
});

test("timeAgo appends ago", () => {
  assert.equal(timeAgo(100, 102_500), "2 seconds ago");
});
