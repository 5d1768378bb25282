import { test } from "node:test";
import assert from "node:assert/strict";
import { NotFoundError } from "../../util/errors.ts";
import { checkImagePlatform, platformMatches } from "./platform-match.ts";

test("platformMatches() compares os and architecture, and a variant only when one is asked for", () => {
  const amd = { os: "linux", architecture: "amd64" };
  assert.equal(
    platformMatches(amd, { os: "linux", architecture: "amd64" }),
    true,
  );
  assert.equal(
    platformMatches(amd, { os: "linux", architecture: "x86_64" }),
    true,
  );
  assert.equal(
    platformMatches(amd, { os: "linux", architecture: "arm64" }),
    false,
  );
  assert.equal(
    platformMatches(amd, { os: "windows", architecture: "amd64" }),
    false,
  );
  const arm64 = { os: "linux", architecture: "arm64" };
  assert.equal(
    platformMatches(arm64, {
      os: "linux",
      architecture: "arm64",
      variant: "v8",
    }),
    true,
  );
  const armv6 = { os: "linux", architecture: "arm", variant: "v6" };
  assert.equal(
    platformMatches(armv6, { os: "linux", architecture: "arm", variant: "v7" }),
    true,
  );
  assert.equal(
    platformMatches(
      { os: "linux", architecture: "arm", variant: "v7" },
      {
        os: "linux",
        architecture: "arm",
        variant: "v6",
      },
    ),
    false,
  );
});

test("checkImagePlatform() throws dockerd's 404 text naming the reference, wanted and actual platforms", () => {
  assert.doesNotThrow(() =>
    checkImagePlatform("bb", { os: "linux", architecture: "amd64" }, undefined),
  );
  assert.throws(
    () =>
      checkImagePlatform(
        "busybox",
        { os: "linux", architecture: "amd64" },
        { os: "linux", architecture: "arm", variant: "v7" },
      ),
    (err: Error) =>
      err instanceof NotFoundError &&
      err.message ===
        "image with reference busybox was found but does not match the specified platform: wanted linux/arm/v7, actual: linux/amd64",
  );
});
