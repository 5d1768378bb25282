import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Progress,
  humanSize,
  progressBar,
  type ProgressMessage,
} from "./progress.ts";

test("humanSize() prints decimal units as go-units does", () => {
  assert.equal(humanSize(0), "0B");
  assert.equal(humanSize(1234), "1.234kB");
  assert.equal(humanSize(2_500_000), "2.5MB");
});

test("progressBar() fills proportionally with an arrow head", () => {
  const bar = progressBar(50, 100);
  assert.match(bar, /^\[={24}> {25}\]/);
  assert.match(progressBar(100, 100), /^\[={50}\]/);
});

test("Progress.bytes() throttles updates per id unless forced", () => {
  const seen: ProgressMessage[] = [];
  const p = new Progress((m) => seen.push(m));
  p.bytes("a", "Downloading", 1, 10);
  p.bytes("a", "Downloading", 2, 10);
  p.bytes("b", "Downloading", 2, 10);
  p.bytes("a", "Downloading", 3, 10, true);
  assert.deepEqual(
    seen.map((m) => [m.id, m.progressDetail?.current]),
    [
      ["a", 1],
      ["b", 2],
      ["a", 3],
    ],
  );
});
