import { test } from "node:test";
import assert from "node:assert/strict";
import { frame, STDERR } from "./streams.ts";

test("frame() writes the stream id and a big-endian length before the payload", () => {
  const out = frame(STDERR, Buffer.from("hey"));
  assert.deepEqual([...out.subarray(0, 8)], [2, 0, 0, 0, 0, 0, 0, 3]);
  assert.equal(out.subarray(8).toString(), "hey");
});
