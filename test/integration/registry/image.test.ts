import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { resolve } from "node:path";
import { skipReason } from "../harness.ts";
import { NetDaemon, curlReady, freePort } from "../network/net-daemon.ts";
import { registrySkipReason } from "./harness.ts";

const repo = resolve(import.meta.dirname, "../../..");

void test("scripts/registry-image.sh imports wharf/registry; `run -d -p PORT:5000 --name <unique>` of it serves /v2/ offline", async (t) => {
  const why = skipReason() ?? registrySkipReason();
  if (why) return t.skip(why);
  const d = new NetDaemon();
  t.after(() => d.cleanup());
  await d.start();
  // The script as set-up runs it, importing into this test's daemon.
  const made = spawnSync(
    "bash",
    [resolve(repo, "scripts/registry-image.sh"), `wharf/registry-${d.tag}`],
    { encoding: "utf8", env: d.env },
  );
  assert.equal(made.status, 0, made.stderr);
  const port = await freePort();
  await d.ok([
    "run",
    "-d",
    "-p",
    `127.0.0.1:${port}:5000`,
    "--name",
    `registry-${d.tag}`,
    `wharf/registry-${d.tag}`,
  ]);
  assert.equal(await curlReady(`http://127.0.0.1:${port}/v2/`), "{}");
  const data = "through the image";
  const digest = `sha256:${createHash("sha256").update(data).digest("hex")}`;
  const put = await fetch(
    `http://127.0.0.1:${port}/v2/img/blobs/uploads/?digest=${digest}`,
    { method: "POST", body: data },
  );
  assert.equal(put.status, 201);
  assert.equal(
    await (
      await fetch(`http://127.0.0.1:${port}/v2/img/blobs/${digest}`)
    ).text(),
    data,
  );
});
