import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";

// The Engine API definition the table is generated from; CI points
// DOCKER_API_SPEC at its copy of docker-engine-api-v1.50.yaml.
const spec =
  process.env.DOCKER_API_SPEC ??
  "/work/shared/specs/docker-engine-api-v1.50.yaml";

test(
  "body-schemas.ts is what scripts/gen-body-schemas.mjs makes from the API definition",
  {
    skip: existsSync(spec)
      ? undefined
      : `no API definition at ${spec} (set DOCKER_API_SPEC)`,
  },
  () => {
    const r = spawnSync(
      process.execPath,
      [
        join(import.meta.dirname, "../../scripts/gen-body-schemas.mjs"),
        "--check",
        spec,
      ],
      { encoding: "utf8" },
    );
    assert.equal(r.status, 0, r.stderr);
  },
);
