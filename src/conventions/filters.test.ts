import { test } from "node:test";
import assert from "node:assert/strict";
import {
  checkFilterKeys,
  filterBool,
  labelsMatch,
  nonEmptyFilters,
  parseFilterArgs,
  parseFilterJson,
} from "./filters.ts";

test("parseFilterArgs groups repeated names and lowercases them", () => {
  assert.deepEqual(
    parseFilterArgs(["label=a=b", " Label =c", "dangling=true"]),
    {
      label: ["a=b", "c"],
      dangling: ["true"],
    },
  );
  assert.throws(() => parseFilterArgs(["x"]), {
    message: "bad format of filter (expected name=value)",
  });
});

test("parseFilterJson reads both the array and the legacy map form", () => {
  assert.deepEqual(
    parseFilterJson('{"name":["a"],"label":{"x":true,"y":false}}'),
    {
      name: ["a"],
      label: ["x"],
    },
  );
  assert.deepEqual(parseFilterJson(null), {});
  assert.throws(() => parseFilterJson("{"), { message: "invalid filter: {" });
  assert.throws(() => parseFilterJson("3"), { message: "invalid filter" });
  assert.throws(() => parseFilterJson('{"x":1}'), {
    message: "invalid filter 'x'",
  });
});

test("checkFilterKeys rejects an unknown name with moby's message", () => {
  checkFilterKeys({ label: ["a"] }, ["label"]);
  assert.throws(() => checkFilterKeys({ x: [] }, new Set(["label"])), {
    message: "invalid filter 'x'",
  });
});

test("filterBool, labelsMatch and nonEmptyFilters", () => {
  assert.equal(filterBool("TRUE"), true);
  assert.equal(filterBool("0"), false);
  assert.equal(filterBool("yes"), undefined);
  const labels = { a: "1", b: "2" };
  assert.equal(labelsMatch(labels, { label: ["a", "b=2"] }), true);
  assert.equal(labelsMatch(labels, { label: ["a=2"] }), false);
  assert.equal(labelsMatch(labels, { "label!": ["b"] }), false);
  assert.equal(nonEmptyFilters({}), undefined);
  assert.deepEqual(nonEmptyFilters({ a: [] }), { a: [] });
});
