import assert from "node:assert/strict";
import { test } from "node:test";
import type { RootfsPaths } from "../images/index.ts";
import { fakeRecord } from "./fakes.ts";
import { rootfsPathsOf } from "./rootfs-paths.ts";

/** An image provider whose rootfsPaths counts its calls. */
function provider(paths: RootfsPaths | undefined) {
  const p = {
    calls: 0,
    rootfsPaths: async () => {
      p.calls++;
      return paths;
    },
  };
  return p;
}

const PATHS: RootfsPaths = {
  lowerDir: "/l",
  upperDir: "/u",
  workDir: "/w",
  mergedDir: "/m",
};

test("rootfsPathsOf asks the image provider once per container record", async () => {
  const images = provider(PATHS);
  const r = fakeRecord();
  assert.deepEqual(await rootfsPathsOf(images, r), PATHS);
  assert.deepEqual(await rootfsPathsOf(images, r), PATHS);
  assert.equal(images.calls, 1);
  await rootfsPathsOf(images, fakeRecord());
  assert.equal(images.calls, 2);
});

test("rootfsPathsOf does not remember a container without a snapshot", async () => {
  const images = provider(undefined);
  const r = fakeRecord();
  assert.equal(await rootfsPathsOf(images, r), undefined);
  assert.equal(await rootfsPathsOf(images, r), undefined);
  assert.equal(images.calls, 2);
});
