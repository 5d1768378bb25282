import { test } from "node:test";
import assert from "node:assert/strict";
import { InvalidArgumentError, NotFoundError } from "../../util/errors.ts";
import { checkDriverName, checkVolumeName } from "./names.ts";
import { parseMountOptions } from "./mount-options.ts";
import { listFilter, pruneFilter } from "./filters.ts";
import type { VolumeRecord } from "./store.ts";

test("checkVolumeName() refuses paths and traversal with Docker's text", () => {
  for (const bad of ["../x", "a/b", "..", ".x", "-x", "a..b"])
    assert.throws(() => checkVolumeName(bad), InvalidArgumentError, bad);
  assert.throws(() => checkVolumeName("v"), /volume name is too short/);
  checkVolumeName("ok_name.1-2");
});

test("checkDriverName() refuses slashes and .. as an unknown plugin", () => {
  for (const bad of ["../evil", "a/b", "..", "x/../y", ""])
    assert.throws(() => checkDriverName(bad), NotFoundError, bad);
  checkDriverName("convoy");
  checkDriverName("sshfs:latest");
});

test("parseMountOptions() splits flags from filesystem data", () => {
  assert.deepEqual(parseMountOptions("size=1m,ro,nosuid"), {
    flags: 1 | 2,
    data: "size=1m",
  });
  assert.deepEqual(parseMountOptions("bind"), { flags: 4096, data: "" });
});

const rec = (
  name: string,
  labels: Record<string, string> = {},
): VolumeRecord => ({
  schema: 1,
  name,
  driver: "local",
  labels,
  options: {},
  createdAt: "2026-01-01T00:00:00Z",
  anonymous: false,
});

test("listFilter() applies dangling, name, driver and label", () => {
  const keep = listFilter(
    { dangling: ["true"], name: ["^ab"], label: ["k=v"] },
    (n) => n === "abused",
  );
  assert.equal(keep(rec("abc", { k: "v" })), true);
  assert.equal(keep(rec("abused", { k: "v" })), false);
  assert.equal(keep(rec("xab", { k: "v" })), false);
  assert.equal(keep(rec("abc", { k: "w" })), false);
  assert.throws(() => listFilter({ bogus: ["1"] }, () => false), {
    message: "invalid filter 'bogus'",
  });
});

test("pruneFilter() keeps named volumes from API 1.42 unless all=true", () => {
  const anon = rec("a".repeat(64), { "com.docker.volume.anonymous": "" });
  assert.equal(pruneFilter({}, "1.50")(rec("named")), false);
  assert.equal(pruneFilter({}, "1.50")(anon), true);
  assert.equal(pruneFilter({ all: ["true"] }, "1.50")(rec("named")), true);
  assert.equal(pruneFilter({}, "1.41")(rec("named")), true);
});
