import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { connect } from "node:net";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { registryBin, registrySkipReason, startRegistry } from "./harness.ts";

const digestOf = (s: string): string =>
  `sha256:${createHash("sha256").update(s).digest("hex")}`;

/** Sends a PATCH whose body stops halfway, and resolves once the server has the first bytes. */
function halfPatch(
  host: string,
  path: string,
  partial: string,
  declared: number,
): Promise<void> {
  const [h, p] = host.split(":");
  return new Promise((resolve, reject) => {
    const s = connect(Number(p), h, () => {
      s.write(
        `PATCH ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/octet-stream\r\nContent-Length: ${declared}\r\n\r\n${partial}`,
      );
      setTimeout(() => resolve(), 300);
    });
    s.on("error", () => undefined);
    s.on("close", () => undefined);
    s.once("error", reject);
  });
}

void test("kill -9 during an upload leaves no visible blob; after a restart the client resumes and succeeds, gc --dry-run finds only the upload", async (t) => {
  const skip = registrySkipReason();
  if (skip) return t.skip(skip);
  const reg = await startRegistry();
  t.after(() => reg.stop());
  const data = "0123456789abcdefghij";
  const digest = digestOf(data);
  const start = await fetch(`${reg.url}/v2/crash/blobs/uploads/`, {
    method: "POST",
  });
  const loc = start.headers.get("location") ?? "";
  await halfPatch(reg.host, loc, data.slice(0, 8), data.length);
  reg.proc.kill("SIGKILL");
  await new Promise((r) => reg.proc.once("exit", r));
  assert.ok(
    existsSync(join(reg.root, "wharf-registry.lock")),
    "the killed process leaves its lock",
  );

  // gc refuses nothing here (the lock's pid is dead) and reports the upload only.
  const gc = spawnSync(
    process.execPath,
    [registryBin, "gc", "--root", reg.root, "--dry-run"],
    { encoding: "utf8" },
  );
  assert.equal(gc.status, 0, gc.stderr);
  assert.match(gc.stdout, /would delete 0 blobs, 0 manifests, 1 uploads/);

  writeFileSync(
    join(reg.dir, "again.yml"),
    `http:\n  addr: ${reg.host}\nstorage:\n  filesystem:\n    rootdirectory: ${reg.root}\n`,
  );
  const again = spawn(
    process.execPath,
    [registryBin, "serve", join(reg.dir, "again.yml")],
    { stdio: "ignore" },
  );
  t.after(() => {
    if (again.exitCode === null && again.signalCode === null)
      again.kill("SIGTERM");
  });
  let up = false;
  for (let i = 0; i < 100 && !up; i++) {
    up = await fetch(`${reg.url}/v2/`).then(
      () => true,
      () => false,
    );
    if (!up) await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(
    (await fetch(`${reg.url}/v2/crash/blobs/${digest}`, { method: "HEAD" }))
      .status,
    404,
  );
  const status = await fetch(`${reg.url}${loc}`);
  assert.equal(status.status, 204);
  const have = Number((status.headers.get("range") ?? "0-0").split("-")[1]) + 1;
  assert.equal(have, 8);
  const rest = await fetch(`${reg.url}${loc}?digest=${digest}`, {
    method: "PUT",
    body: data.slice(have),
    headers: { "content-range": `${have}-${data.length - 1}` },
  });
  assert.equal(rest.status, 201);
  assert.equal(
    await (await fetch(`${reg.url}/v2/crash/blobs/${digest}`)).text(),
    data,
  );

  // gc refuses the root the second process serves.
  const busy = spawnSync(
    process.execPath,
    [registryBin, "gc", "--root", reg.root],
    { encoding: "utf8" },
  );
  assert.notEqual(busy.status, 0);
  assert.match(busy.stderr, /in use by wharf-registry process/);
});
