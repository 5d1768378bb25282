import assert from "node:assert/strict";
import { test } from "node:test";
import {
  mappingsFromRanges,
  nextRangeStart,
  parseSubIds,
  rangesOf,
  subIdLine,
} from "./subid.ts";

const FILE = `alice:100000:65536
bob:165536:65536

# a comment
1001:300000:1000
alice:400000:10
broken:x:5
zero:500000:0
short:600000
`;

test("parseSubIds() reads name:start:count lines and skips malformed ones", () => {
  assert.deepEqual(parseSubIds(FILE), [
    { name: "alice", start: 100000, count: 65536 },
    { name: "bob", start: 165536, count: 65536 },
    { name: "1001", start: 300000, count: 1000 },
    { name: "alice", start: 400000, count: 10 },
  ]);
  assert.deepEqual(parseSubIds(""), []);
});

test("rangesOf() returns every range of a user, by name or by uid, in file order", () => {
  const all = parseSubIds(FILE);
  assert.deepEqual(
    rangesOf(all, { name: "alice", uid: 1001 }).map((r) => r.start),
    [100000, 300000, 400000],
  );
  assert.deepEqual(rangesOf(all, { name: "carol", uid: 2000 }), []);
});

test("nextRangeStart() starts after the highest range, never below 100000", () => {
  assert.equal(nextRangeStart([]), 100000);
  assert.equal(nextRangeStart(parseSubIds(FILE)), 400010);
  assert.equal(
    nextRangeStart([{ name: "low", start: 1000, count: 10 }]),
    100000,
  );
  // Order in the file does not matter.
  assert.equal(
    nextRangeStart([
      { name: "b", start: 500000, count: 65536 },
      { name: "a", start: 100000, count: 65536 },
    ]),
    565536,
  );
  assert.throws(() =>
    nextRangeStart([{ name: "x", start: 0xffff0000, count: 100 }]),
  );
});

test("mappingsFromRanges() lays a user's ranges end to end from container id 0", () => {
  const all = parseSubIds(FILE);
  assert.deepEqual(
    mappingsFromRanges(rangesOf(all, { name: "alice", uid: 1001 })),
    [
      { containerID: 0, hostID: 100000, size: 65536 },
      { containerID: 65536, hostID: 300000, size: 1000 },
      { containerID: 66536, hostID: 400000, size: 10 },
    ],
  );
  assert.equal(subIdLine("wharf", 100000, 65536), "wharf:100000:65536\n");
});
