import { test } from "node:test";
import assert from "node:assert/strict";
import { ParsedFlags } from "../../flags.ts";
import { CREATE_FLAGS } from "./create-options.ts";
import { healthcheckOf, restartPolicyOf } from "./create-options-lifecycle.ts";
import { update, updateBody } from "./update.ts";

function flags(
  values: Record<string, string | boolean>,
  specs = CREATE_FLAGS,
): ParsedFlags {
  const f = new ParsedFlags(specs);
  for (const [k, v] of Object.entries(values)) f.set(k, v);
  return f;
}

test("--restart parses name[:count] as the Docker CLI does", () => {
  assert.deepEqual(restartPolicyOf(flags({})), {
    Name: "no",
    MaximumRetryCount: 0,
  });
  assert.deepEqual(restartPolicyOf(flags({ restart: "on-failure:3" })), {
    Name: "on-failure",
    MaximumRetryCount: 3,
  });
  assert.throws(
    () => restartPolicyOf(flags({ restart: "on-failure:x" })),
    /invalid restart policy format: maximum retry count must be an integer/,
  );
  assert.throws(
    () => restartPolicyOf(flags({ restart: ":3" })),
    /invalid restart policy format: no policy provided before colon/,
  );
  assert.throws(
    () => restartPolicyOf(flags({ restart: "always", rm: true })),
    /conflicting options: cannot specify both --restart and --rm/,
  );
  restartPolicyOf(flags({ restart: "no", rm: true }));
});

test("--health-* flags build Config.Healthcheck without zero fields", () => {
  assert.equal(healthcheckOf(flags({})), undefined);
  assert.deepEqual(
    healthcheckOf(
      flags({
        "health-cmd": "curl -f x",
        "health-interval": "1s",
        "health-retries": "2",
        "health-start-period": "1m30s",
      }),
    ),
    {
      Test: ["CMD-SHELL", "curl -f x"],
      Interval: 1e9,
      StartPeriod: 90e9,
      Retries: 2,
    },
  );
  assert.deepEqual(healthcheckOf(flags({ "no-healthcheck": true })), {
    Test: ["NONE"],
  });
  assert.throws(
    () => healthcheckOf(flags({ "no-healthcheck": true, "health-cmd": "x" })),
    /--no-healthcheck conflicts with --health-\* options/,
  );
  assert.throws(
    () => healthcheckOf(flags({ "health-timeout": "soon" })),
    /invalid argument "soon" for "--health-timeout" flag: time: invalid duration "soon"/,
  );
  assert.throws(
    () => healthcheckOf(flags({ "health-interval": "-1s" })),
    /--health-interval cannot be negative/,
  );
});

test("update builds the body the Docker CLI sends and wants at least one flag", () => {
  const b = updateBody(
    flags(
      { memory: "64m", "memory-swap": "-1", cpus: "0.5", restart: "always" },
      update.flags,
    ),
  );
  assert.equal(b.Memory, 64 * 1024 * 1024);
  assert.equal(b.MemorySwap, -1);
  assert.equal(b.NanoCpus, 5e8);
  assert.deepEqual(b.RestartPolicy, { Name: "always", MaximumRetryCount: 0 });
  assert.equal("PidsLimit" in b, false);
  assert.throws(
    () => updateBody(flags({}, update.flags)),
    /you must provide one or more flags when using this command/,
  );
});
