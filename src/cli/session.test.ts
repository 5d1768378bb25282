import { test } from "node:test";
import assert from "node:assert/strict";
import { DetachKeyFilter, parseDetachKeys } from "./session.ts";

test("detach keys parse ctrl combinations and single characters", () => {
  assert.deepEqual(parseDetachKeys("ctrl-p,ctrl-q"), [16, 17]);
  assert.deepEqual(parseDetachKeys("a,ctrl-@,ctrl-\\"), [97, 0, 28]);
  assert.throws(() => parseDetachKeys("ctrl-pp"), /Invalid detach keys/);
});

test("the filter detaches on the sequence across chunks and forwards the rest", () => {
  const f = new DetachKeyFilter([16, 17]);
  assert.deepEqual(f.push(Buffer.from([1, 16])), {
    forward: Buffer.from([1]),
    detached: false,
  });
  assert.deepEqual(f.push(Buffer.from([17])), {
    forward: Buffer.from([]),
    detached: true,
  });
});

test("a partial sequence followed by other input is forwarded", () => {
  const f = new DetachKeyFilter([16, 17]);
  assert.deepEqual(f.push(Buffer.from([16, 65, 16, 16])), {
    forward: Buffer.from([16, 65, 16]),
    detached: false,
  });
});
