import { test } from "node:test";
import assert from "node:assert/strict";
import { bytesSize, goG, humanDuration, humanSize } from "./human.ts";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const MONTH = 30 * DAY;
const YEAR = 365 * DAY;

// Vectors from docker/go-units duration_test.go (TestHumanDuration).
test("humanDuration matches go-units' TestHumanDuration vectors", () => {
  const cases: [number, string][] = [
    [450, "Less than a second"],
    [1 * SECOND, "1 second"],
    [45 * SECOND, "45 seconds"],
    [46 * SECOND, "46 seconds"],
    [59 * SECOND, "59 seconds"],
    [60 * SECOND, "About a minute"],
    [3 * MINUTE, "3 minutes"],
    [35 * MINUTE, "35 minutes"],
    [35 * MINUTE + 40 * SECOND, "35 minutes"],
    [45 * MINUTE, "45 minutes"],
    [45 * MINUTE + 40 * SECOND, "45 minutes"],
    [46 * MINUTE, "46 minutes"],
    [59 * MINUTE, "59 minutes"],
    [1 * HOUR, "About an hour"],
    [1 * HOUR + 29 * MINUTE, "About an hour"],
    [1 * HOUR + 31 * MINUTE, "2 hours"],
    [1 * HOUR + 59 * MINUTE, "2 hours"],
    [3 * HOUR, "3 hours"],
    [3 * HOUR + 29 * MINUTE, "3 hours"],
    [3 * HOUR + 31 * MINUTE, "4 hours"],
    [3 * HOUR + 59 * MINUTE, "4 hours"],
    [3 * HOUR + 60 * MINUTE, "4 hours"],
    [24 * HOUR, "24 hours"],
    [1 * DAY + 12 * HOUR, "36 hours"],
    [2 * DAY, "2 days"],
    [7 * DAY, "7 days"],
    [13 * DAY + 5 * HOUR, "13 days"],
    [2 * WEEK, "2 weeks"],
    [2 * WEEK + 4 * DAY, "2 weeks"],
    [3 * WEEK, "3 weeks"],
    [4 * WEEK, "4 weeks"],
    [4 * WEEK + 3 * DAY, "4 weeks"],
    [1 * MONTH, "4 weeks"],
    [1 * MONTH + 2 * WEEK, "6 weeks"],
    [2 * MONTH, "2 months"],
    [2 * MONTH + 2 * WEEK, "2 months"],
    [3 * MONTH, "3 months"],
    [3 * MONTH + 1 * WEEK, "3 months"],
    [5 * MONTH + 2 * WEEK, "5 months"],
    [13 * MONTH, "13 months"],
    [23 * MONTH, "23 months"],
    [24 * MONTH, "24 months"],
    [24 * MONTH + 2 * WEEK, "2 years"],
    [3 * YEAR + 2 * MONTH, "3 years"],
  ];
  for (const [ms, want] of cases)
    assert.equal(humanDuration(ms), want, String(ms));
});

// Vectors from docker/go-units size_test.go (TestBytesSize, TestHumanSize).
test("bytesSize and humanSize match go-units' vectors", () => {
  const KiB = 1024;
  const MiB = KiB * 1024;
  const GiB = MiB * 1024;
  const TiB = GiB * 1024;
  const PiB = TiB * 1024;
  assert.equal(bytesSize(1024), "1KiB");
  assert.equal(bytesSize(1024 * 1024), "1MiB");
  assert.equal(bytesSize(2 * MiB), "2MiB");
  assert.equal(bytesSize(3.42 * GiB), "3.42GiB");
  assert.equal(bytesSize(5.372 * TiB), "5.372TiB");
  assert.equal(bytesSize(2.22 * PiB), "2.22PiB");
  assert.equal(bytesSize(KiB ** 5 * PiB), "1.049e+06YiB");
  assert.equal(humanSize(1000), "1kB");
  assert.equal(humanSize(1024), "1.024kB");
  assert.equal(humanSize(1000000), "1MB");
  assert.equal(humanSize(1048576), "1.049MB");
  assert.equal(humanSize(2e6), "2MB");
  assert.equal(humanSize(3.42e9), "3.42GB");
  assert.equal(humanSize(5.372e12), "5.372TB");
  assert.equal(humanSize(2.22e15), "2.22PB");
  assert.equal(humanSize(10000000000000 * 1e15), "1e+04YB");
});

test("humanSize with precision 3 is what Docker's tables print", () => {
  assert.equal(humanSize(4_261_234, 3), "4.26MB");
  assert.equal(humanSize(0, 3), "0B");
  assert.equal(goG(123456, 3), "1.23e+05");
});
