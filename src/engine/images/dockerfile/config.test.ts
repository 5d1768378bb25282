import assert from "node:assert/strict";
import { test } from "node:test";
import type { ContainerConfig } from "../../../oci/image.ts";
import { addDefaultPath, applyConfig, DEFAULT_PATH_ENV } from "./config.ts";
import { envMap } from "./expand.ts";
import { toInstruction } from "./instructions.ts";
import { parseDockerfile } from "./parser.ts";

/** Applies each line of a Dockerfile fragment to c, as the builder does. */
function apply(c: ContainerConfig, text: string): ContainerConfig {
  const df = parseDockerfile(text);
  for (const node of df.nodes)
    applyConfig(c, toInstruction(df.file, node), {
      vars: envMap(c.Env ?? []),
      escape: df.escape,
      cmdSet: false,
    });
  return c;
}

test("addDefaultPath() appends PATH only when the Env has none", () => {
  const bare: ContainerConfig = { Env: ["A=1"] };
  addDefaultPath(bare);
  assert.deepEqual(bare.Env, ["A=1", DEFAULT_PATH_ENV]);
  const own: ContainerConfig = { Env: ["PATH=/bin"] };
  addDefaultPath(own);
  assert.deepEqual(own.Env, ["PATH=/bin"]);
  const none: ContainerConfig = {};
  addDefaultPath(none);
  assert.deepEqual(none.Env, [DEFAULT_PATH_ENV]);
});

test("ENV replaces a variable in its place, as moby's dispatchEnv", () => {
  const c = apply(
    { Env: ["PATH=/bin", "A=1"] },
    "ENV B=2\nENV PATH=/opt:$PATH A=3\n",
  );
  assert.deepEqual(c.Env, ["PATH=/opt:/bin", "A=3", "B=2"]);
});

test("WORKDIR keeps an absolute path as written and cleans a joined relative one", () => {
  assert.equal(apply({}, "WORKDIR /a/./b/\n").WorkingDir, "/a/./b/");
  assert.equal(
    apply({}, "WORKDIR /a/./b/\nWORKDIR ../c/\n").WorkingDir,
    "/a/c",
  );
  assert.equal(apply({}, "WORKDIR rel\n").WorkingDir, "/rel");
});

test("HEALTHCHECK keeps the earlier one's durations and retries it leaves unset, NONE included", () => {
  const c = apply(
    {},
    "HEALTHCHECK --interval=1s --retries=3 CMD true\nHEALTHCHECK --timeout=2s CMD false\n",
  );
  assert.deepEqual(c.Healthcheck, {
    Test: ["CMD-SHELL", "false"],
    Interval: 1e9,
    Timeout: 2e9,
    Retries: 3,
  });
  apply(c, "HEALTHCHECK NONE\n");
  assert.deepEqual(c.Healthcheck, {
    Test: ["NONE"],
    Interval: 1e9,
    Timeout: 2e9,
    Retries: 3,
  });
});

test("ENTRYPOINT [] clears the entrypoint while CMD [] stays an empty list", () => {
  const c = apply({ Entrypoint: ["/bin/echo"] }, "ENTRYPOINT []\nCMD []\n");
  assert.equal(c.Entrypoint, null);
  assert.deepEqual(c.Cmd, []);
});
