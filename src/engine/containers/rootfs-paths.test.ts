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

test("rootfsPathsOf asks the image provider once per record, and again while there is no snapshot", async () => {
  const images = provider(PATHS);
  const r = fakeRecord();
  const twice = [
    await rootfsPathsOf(images, r),
    await rootfsPathsOf(images, r),
  ];
  assert.deepEqual(twice, [PATHS, PATHS]);
  assert.equal(images.calls, 1);
  await rootfsPathsOf(images, fakeRecord());
  assert.equal(images.calls, 2);
  const none = provider(undefined);
  const fresh = fakeRecord();
  for (let i = 0; i < 2; i++)
    assert.equal(await rootfsPathsOf(none, fresh), undefined);
  assert.equal(none.calls, 2);
});
