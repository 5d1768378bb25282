import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { registrySkipReason } from "./harness.ts";

const repo = resolve(import.meta.dirname, "../../..");

void test("the OCI distribution-spec v1.1.1 conformance suite passes every spec it runs against wharf-registry", (t) => {
  const skip = registrySkipReason();
  if (skip) return t.skip(skip);
  const r = spawnSync(
    "bash",
    [resolve(repo, "scripts/conformance.sh"), "wharf"],
    {
      encoding: "utf8",
      timeout: 15 * 60_000,
    },
  );
  if (r.status === 77)
    return t.skip(r.stderr.trim().split("\n")[0] ?? "sources missing");
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /Ran 75 of 79 Specs/);
  assert.match(r.stdout, /75 Passed \| 0 Failed/);
});
