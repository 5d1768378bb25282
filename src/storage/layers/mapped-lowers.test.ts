import assert from "node:assert/strict";
import { test } from "node:test";
import { kernelAtLeast } from "./mapped-lowers.ts";

test("kernelAtLeast() compares major.minor of a kernel release string", () => {
  assert.equal(kernelAtLeast(5, 19, "5.19.0-1-amd64"), true);
  assert.equal(kernelAtLeast(5, 19, "6.1.0"), true);
  assert.equal(kernelAtLeast(5, 19, "5.18.17"), false);
  assert.equal(kernelAtLeast(5, 19, "4.19.0"), false);
  assert.equal(kernelAtLeast(5, 19, "6.18.44-fc-v1147"), true);
});
