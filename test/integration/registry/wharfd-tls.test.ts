import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TestDaemon, dockerBin, skipReason } from "../harness.ts";
import { registryBin, registrySkipReason } from "./harness.ts";
import { startNetnsRegistry } from "./netns-registry.ts";

function skip(): string | undefined {
  if (!existsSync(dockerBin)) return `the Docker CLI ${dockerBin} is missing`;
  if (spawnSync("openssl", ["version"]).status !== 0)
    return "needs openssl (apt-get install openssl)";
  return skipReason() ?? registrySkipReason();
}

void test("the Docker CLI logs in to wharf-registry over TLS (test CA in WHARF_CERTS_D) with htpasswd through wharfd, pushes, removes, pulls and runs", async (t) => {
  const why = skip();
  if (why) return t.skip(why);
  const pw = spawnSync(process.execPath, [registryBin, "htpasswd", "alice"], {
    input: "s3cret\n",
    encoding: "utf8",
  });
  assert.equal(pw.status, 0, pw.stderr);
  const work = mkdtempSync("/tmp/wharf-regtls-");
  t.after(() => rmSync(work, { recursive: true, force: true }));
  writeFileSync(join(work, "htpasswd"), pw.stdout);
  const reg = await startNetnsRegistry({
    yaml: `auth:\n  htpasswd:\n    realm: test\n    path: ${join(work, "htpasswd")}\n`,
  });
  t.after(() => reg.stop());
  const d = new TestDaemon({
    prefix: "/tmp/wit-regtls-",
    wrap: ["env", `WHARF_CERTS_D=${reg.certsDir}`],
  });
  t.after(() => d.stop());
  await d.start();
  await d.importBusybox();
  const image = `${reg.host}/team/bb:1`;
  await d.ok(["tag", "busybox:latest", image]);
  const id = (await d.ok(["image", "inspect", "-f", "{{.Id}}", image])).trim();

  // Not on 127.0.0.0/8, so not insecure: without the CA, TLS verification fails.
  const untrusted = await d.docker(
    ["login", reg.host, "-u", "alice", "--password-stdin"],
    { input: "s3cret\n" },
  );
  assert.notEqual(untrusted.code, 0);
  assert.match(untrusted.stderr, /certificate/i);

  await reg.trust();
  const wrong = await d.docker(
    ["login", reg.host, "-u", "alice", "--password-stdin"],
    { input: "nope\n" },
  );
  assert.notEqual(wrong.code, 0, "a wrong password must be refused");
  const login = await d.ok(
    ["login", reg.host, "-u", "alice", "--password-stdin"],
    { input: "s3cret\n" },
  );
  assert.match(login, /Login Succeeded/);

  await d.ok(["push", image]);
  assert.match(
    reg.registry.log(),
    /alice PUT \/v2\/team\/bb\/manifests\/1 201/,
  );
  await d.ok(["rmi", image, "busybox:latest"]);
  const gone = await d.docker(["image", "inspect", image]);
  assert.notEqual(gone.code, 0, "the image must be gone before the pull");
  // As dockerd: removing the last tag of a repository drops its RepoDigests
  // (set by the push) too, so the image itself is deleted.
  const byId = await d.docker(["image", "inspect", id]);
  assert.notEqual(byId.code, 0, "rmi of the last tags must delete the image");
  await d.ok(["pull", image]);
  assert.equal(
    (await d.ok(["image", "inspect", "-f", "{{.Id}}", image])).trim(),
    id,
  );
  const digests = await d.ok([
    "image",
    "inspect",
    "-f",
    "{{json .RepoDigests}}",
    image,
  ]);
  assert.match(digests, new RegExp(`${reg.host}/team/bb@sha256:`));
  const out = await d.ok([
    "run",
    "--rm",
    "--network",
    "none",
    image,
    "echo",
    "hello over tls",
  ]);
  assert.equal(out.trim(), "hello over tls");
});
