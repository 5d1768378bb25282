import { test } from "node:test";
import assert from "node:assert/strict";
import { CERTS_DIRS, certsDirs, registryOptions } from "./registry-config.ts";

test("certsDirs() searches Docker's then wharf's certs.d by default", () => {
  assert.deepEqual(certsDirs({}), CERTS_DIRS);
  assert.deepEqual(certsDirs({ WHARF_CERTS_D: "" }), CERTS_DIRS);
});

test("WHARF_CERTS_D replaces the certs.d roots (colon-separated)", () => {
  assert.deepEqual(certsDirs({ WHARF_CERTS_D: "/tmp/a::/tmp/b" }), [
    "/tmp/a",
    "/tmp/b",
  ]);
  const opts = registryOptions({}, { WHARF_CERTS_D: "/tmp/t/certs.d" });
  assert.deepEqual(opts.settings.certsDirs, ["/tmp/t/certs.d"]);
});

test("registryOptions() refuses a mirror with a path, as dockerd", () => {
  assert.throws(
    () => registryOptions({ "registry-mirrors": ["http://m:5000/x"] }, {}),
    /path, query, or fragment at end of the URI/,
  );
});
