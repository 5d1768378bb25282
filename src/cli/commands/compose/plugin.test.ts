import { after, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pluginArgv } from "./plugin.ts";

const config = mkdtempSync(join(tmpdir(), "compose-plugin-"));
after(() => rmSync(config, { recursive: true, force: true }));
const meta = join(
  config,
  "contexts/meta",
  createHash("sha256").update("remote").digest("hex"),
);
mkdirSync(meta, { recursive: true });
writeFileSync(
  join(meta, "meta.json"),
  JSON.stringify({
    Name: "remote",
    Endpoints: { docker: { Host: "unix:///ctx.sock" } },
  }),
);

test("the Docker CLI's global flags and context choose the host, as the CLI does", () => {
  const env = { DOCKER_CONFIG: config };
  assert.deepEqual(
    pluginArgv(["-H", "unix:///h.sock", "compose", "up", "-d"], env),
    ["-H", "unix:///h.sock", "compose", "up", "-d"],
  );
  assert.deepEqual(
    pluginArgv(["--context", "remote", "compose", "ps"], env).slice(0, 2),
    ["-H", "unix:///ctx.sock"],
  );
  assert.deepEqual(
    pluginArgv(["compose", "ps"], {
      ...env,
      DOCKER_HOST: "unix:///env.sock",
    }).slice(0, 2),
    ["-H", "unix:///env.sock"],
  );
  assert.deepEqual(
    pluginArgv(["compose", "ps"], { ...env, DOCKER_CONTEXT: "remote" }).slice(
      0,
      2,
    ),
    ["-H", "unix:///ctx.sock"],
  );
  assert.deepEqual(pluginArgv(["compose", "ps"], env).slice(0, 2), [
    "-H",
    "unix:///var/run/docker.sock",
  ]);
  writeFileSync(
    join(config, "config.json"),
    JSON.stringify({ currentContext: "remote" }),
  );
  assert.deepEqual(pluginArgv(["compose", "ps"], env).slice(0, 2), [
    "-H",
    "unix:///ctx.sock",
  ]);
  assert.throws(
    () => pluginArgv(["-c", "nope", "compose", "ps"], env),
    /context "nope" does not exist/,
  );
});
