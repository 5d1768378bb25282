import { test } from "node:test";
import assert from "node:assert/strict";
import { parseGoDuration, parseGoDurationNs } from "./duration.ts";
import {
  getTimestamp,
  parseTimestamps,
  timestampMillis,
  timestampNanos,
} from "./timestamp.ts";

// Vectors from moby api/types/time/timestamp_test.go (TestGetTimestamp), with
// the reference time in UTC as there.
const GET_TIMESTAMP: [string, string | Error][] = [
  ["2006-01-02T15:04:05.999999999+07:00", "1136189045.999999999"],
  ["2006-01-02T15:04:05.999999999Z", "1136214245.999999999"],
  ["2006-01-02T15:04:05.999999999", "1136214245.999999999"],
  ["2006-01-02T15:04:05Z", "1136214245.000000000"],
  ["2006-01-02T15:04:05", "1136214245.000000000"],
  ["2006-01-02T15:04:0Z", new Error()],
  ["2006-01-02T15:04:0", new Error()],
  ["2006-01-02T15:04Z", "1136214240.000000000"],
  ["2006-01-02T15:04+00:00", "1136214240.000000000"],
  ["2006-01-02T15:04-00:00", "1136214240.000000000"],
  ["2006-01-02T15:04", "1136214240.000000000"],
  ["2006-01-02T15:0Z", new Error()],
  ["2006-01-02T15:0", new Error()],
  ["2006-01-02T15Z", "1136214000.000000000"],
  ["2006-01-02T15+00:00", "1136214000.000000000"],
  ["2006-01-02T15-00:00", "1136214000.000000000"],
  ["2006-01-02T15", "1136214000.000000000"],
  ["2006-01-02T1Z", "1136163600.000000000"],
  ["2006-01-02T1", "1136163600.000000000"],
  ["2006-01-02TZ", new Error()],
  ["2006-01-02T", new Error()],
  ["2006-01-02+00:00", "1136160000.000000000"],
  ["2006-01-02-00:00", "1136160000.000000000"],
  ["2006-01-02-00:01", "1136160060.000000000"],
  ["2006-01-02Z", "1136160000.000000000"],
  ["2006-01-02", "1136160000.000000000"],
  ["2015-05-13T20:39:09Z", "1431549549.000000000"],
  ["1136073600", "1136073600"],
  ["1136073600.000000001", "1136073600.000000001"],
  ["invalid", new Error()],
  ["", new Error()],
];

test("getTimestamp matches moby's TestGetTimestamp vectors", () => {
  const now = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
  for (const [input, want] of GET_TIMESTAMP) {
    if (want instanceof Error)
      assert.throws(() => getTimestamp(input, now, 0), input);
    else assert.equal(getTimestamp(input, now, 0), want, input);
  }
});

test("getTimestamp turns durations into whole seconds before now", () => {
  const now = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
  const sec = Math.floor(now / 1000);
  assert.equal(getTimestamp("1m", now), String(sec - 60));
  assert.equal(getTimestamp("1.5h", now), String(sec - 5400));
  assert.equal(getTimestamp("1h30m", now), String(sec - 5400));
  // compat: "0" is Unix time zero, not a zero duration.
  assert.equal(getTimestamp("0", now), "0");
});

test("getTimestamp reads zone-less times in the given local offset", () => {
  assert.equal(
    getTimestamp("2006-01-02T15:04:05", 0, 60),
    "1136210645.000000000",
  );
  assert.equal(getTimestamp("2006-01-02", 0, -120), "1136167200.000000000");
});

test("getTimestamp words its errors as moby does", () => {
  assert.throws(() => getTimestamp("invalid"), {
    message: 'failed to parse value as time or duration: "invalid"',
  });
  assert.throws(() => getTimestamp("2006-13-02"), /cannot parse/);
});

// Vectors from moby api/types/time/timestamp_test.go (TestParseTimestamps).
test("parseTimestamps matches moby's TestParseTimestamps vectors", () => {
  const cases: [string, bigint, bigint][] = [
    ["1136073600", 1136073600n, 0n],
    ["1136073600.000000001", 1136073600n, 1n],
    ["1136073600.0000000010", 1136073600n, 1n],
    ["1136073600.00000001", 1136073600n, 10n],
  ];
  for (const [input, sec, nsec] of cases)
    assert.deepEqual(parseTimestamps(input), { sec, nsec }, input);
  assert.throws(() => parseTimestamps("foo.bar"));
  assert.throws(() => parseTimestamps("1136073600.bar"));
});

test("timestampNanos and timestampMillis accept every form the daemon receives", () => {
  const now = 1_700_000_000_500;
  assert.equal(
    timestampNanos("1700000000.123", now),
    1_700_000_000_123_000_000n,
  );
  assert.equal(
    timestampNanos("2023-11-14T22:13:20Z", now),
    1_700_000_000_000_000_000n,
  );
  assert.equal(timestampMillis("10m", now), 1_700_000_000_000 - 600_000);
  assert.throws(() => timestampNanos("soon", now), /failed to parse/);
});

// Valid and invalid inputs from Go's time package (ParseDuration tests).
test("parseGoDuration follows Go's time.ParseDuration", () => {
  const ns: [string, number][] = [
    ["0", 0],
    ["5s", 5e9],
    ["30s", 30e9],
    ["1478s", 1478e9],
    ["-5s", -5e9],
    ["+5s", 5e9],
    ["-0", 0],
    ["+0", 0],
    ["5.0s", 5e9],
    ["5.6s", 5.6e9],
    ["5.s", 5e9],
    [".5s", 0.5e9],
    ["1.0s", 1e9],
    ["1.00s", 1e9],
    ["1.004s", 1.004e9],
    ["100.00100s", 100.001e9],
    ["10ns", 10],
    ["11us", 11e3],
    ["12\u00b5s", 12e3],
    ["12\u03bcs", 12e3],
    ["13ms", 13e6],
    ["14s", 14e9],
    ["15m", 15 * 60e9],
    ["16h", 16 * 3600e9],
    ["3h30m", 3.5 * 3600e9],
    ["10.5s4m", 4 * 60e9 + 10.5e9],
    ["-2m3.4s", -(2 * 60e9 + 3.4e9)],
    ["1h2m3s4ms5us6ns", 3600e9 + 2 * 60e9 + 3e9 + 4e6 + 5e3 + 6],
    ["39h9m14.425s", 39 * 3600e9 + 9 * 60e9 + 14.425e9],
  ];
  for (const [input, want] of ns) {
    const got = parseGoDurationNs(input);
    assert.ok(
      got !== undefined &&
        Math.abs(got - want) < (1e-3 * Math.max(1, Math.abs(want))) / 1e6,
      `${input}: ${got} != ${want}`,
    );
  }
  for (const bad of [
    "",
    "3",
    "-",
    "s",
    ".",
    "-.",
    ".s",
    "+.s",
    "1d",
    "1.1.1s",
    "10",
  ])
    assert.equal(parseGoDurationNs(bad), undefined, bad);
  assert.equal(parseGoDuration("1h30m"), 5_400_000);
});
