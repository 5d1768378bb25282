import { test } from "node:test";
import assert from "node:assert/strict";
import type { BuildCacheRecord } from "../../api/build.ts";
import { InvalidArgumentError, WharfError } from "../../util/errors.ts";
import { overBudget, prunePlan, type CacheEntry } from "./prune.ts";

const row = (over: Partial<BuildCacheRecord>): BuildCacheRecord => ({
  ID: "abc123",
  Parents: ["parent1"],
  Type: "regular",
  Description: "/bin/sh -c true",
  InUse: false,
  Shared: false,
  Size: 10,
  CreatedAt: "2026-01-01T00:00:00Z",
  LastUsedAt: null,
  UsageCount: 1,
  ...over,
});

test("prunePlan refuses what dockerd 20.10 refuses, with its texts and classes", () => {
  const refused = (filters: Record<string, string[]>, text: string) =>
    assert.throws(
      () => prunePlan(filters),
      (e: Error) =>
        e instanceof InvalidArgumentError &&
        e.message === `failed to prune build cache: ${text}`,
    );
  refused({ bogus: ["x"] }, "Invalid filter 'bogus'");
  refused({ until: ["1h", "2h"] }, "filters expect only one value");
  refused({ id: ["a", "b"] }, "filters expect only one value");
  refused(
    { until: ["1h"], "unused-for": ["2h"] },
    'conflicting filters: "until" and "unused-for"',
  );
  assert.throws(
    () => prunePlan({ until: ["x"] }),
    (e: Error) =>
      e instanceof WharfError &&
      !(e instanceof InvalidArgumentError) &&
      /"until" filter expects a duration \(e\.g\., '24h'\)/.test(e.message),
  );
  assert.equal(prunePlan({ "unused-for": ["90m"] }).keepMs, 90 * 60_000);
  assert.doesNotThrow(() => prunePlan({ label: ["a", "b"], "label!": ["c"] }));
});

test("prunePlan's filters match rows as BuildKit's: id as a pattern, the rest by equality, bare booleans true", () => {
  const r = row({});
  const m = (f: Record<string, string[]>, labels = {}) =>
    prunePlan(f).matches(r, labels);
  assert.ok(m({ id: ["^abc"] }));
  assert.ok(!m({ id: ["^zz"] }));
  assert.ok(m({ parent: ["parent1"] }) && !m({ parent: ["other"] }));
  assert.ok(m({ type: ["regular"] }) && !m({ type: ["internal"] }));
  assert.ok(m({ description: ["/bin/sh -c true"] }));
  assert.ok(m({ inuse: ["false"] }) && !m({ inuse: [] }));
  assert.ok(m({ private: [] }) && !m({ shared: ["true"] }));
  assert.ok(m({ label: ["k=v"] }, { k: "v" }) && !m({ label: ["k=v"] }));
  assert.ok(!m({ "label!": ["k"] }, { k: "v" }));
});

test("overBudget drops the oldest candidates until the rest fits in keep bytes; 0 drops them all", () => {
  const e = (id: string, size: number, at: string): CacheEntry => ({
    imageId: `sha256:${id}`,
    row: row({ ID: id, Size: size, CreatedAt: at }),
    labels: {},
  });
  const all = [
    e("old", 100, "2026-01-01T00:00:00Z"),
    e("mid", 100, "2026-01-02T00:00:00Z"),
    e("new", 100, "2026-01-03T00:00:00Z"),
  ];
  assert.deepEqual(
    overBudget(all, all, 150).map((x) => x.row.ID),
    ["old", "mid"],
  );
  assert.equal(overBudget(all, all, 0).length, 3);
  assert.deepEqual(
    overBudget(all, all.slice(1), 250).map((x) => x.row.ID),
    ["mid"],
  );
});
