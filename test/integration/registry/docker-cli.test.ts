import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TestDaemon, busyboxTar, dockerBin } from "../harness.ts";
import { registryBin, registrySkipReason, startRegistry } from "./harness.ts";

function skip(): string | undefined {
  if (process.getuid?.() !== 0) return "needs root to run a private dockerd";
  if (!existsSync("/usr/sbin/dockerd"))
    return "dockerd missing (apt-get install docker.io)";
  if (!existsSync(dockerBin)) return `the Docker CLI ${dockerBin} is missing`;
  return registrySkipReason();
}

/** A private dockerd (the harness's TARGET=docker oracle) on its own roots and socket. */
async function startDockerd(): Promise<TestDaemon> {
  const d = new TestDaemon({ prefix: "/tmp/wit-regdocker-" });
  const saved = process.env.TARGET;
  process.env.TARGET = "docker";
  try {
    await d.start();
  } finally {
    if (saved === undefined) delete process.env.TARGET;
    else process.env.TARGET = saved;
  }
  return d;
}

for (const mode of ["htpasswd", "token"] as const)
  void test(`the Docker CLI logs in, pushes and pulls through wharf-registry over TLS with ${mode} auth (real dockerd)`, async (t) => {
    const why = skip();
    if (why) return t.skip(why);
    const work = mkdtempSync("/tmp/wharf-regdocker-");
    const pw = spawnSync(process.execPath, [registryBin, "htpasswd", "alice"], {
      input: "s3cret\n",
      encoding: "utf8",
    });
    writeFileSync(join(work, "htpasswd"), pw.stdout);
    const auth =
      mode === "token"
        ? `auth:\n  htpasswd:\n    path: ${join(work, "htpasswd")}\n  token:\n    service: wharf-test\n`
        : `auth:\n  htpasswd:\n    realm: test\n    path: ${join(work, "htpasswd")}\n`;
    const reg = await startRegistry({
      http: "  tls:\n    selfsigned: true\n",
      yaml: `${auth}access:\n  - prefix: public/\n    pull: [anonymous]\n    push: [alice]\n`,
    });
    const docker = await startDockerd();
    t.after(async () => {
      await docker.stop();
      await reg.stop();
      rmSync(work, { recursive: true, force: true });
    });
    // 127.0.0.0/8 is an insecure registry range for dockerd: TLS without verification.
    const image = `${reg.host}/public/busybox:v1`;
    await docker.ok(["import", busyboxTar(), image]);
    const denied = await docker.docker(["push", image]);
    assert.notEqual(denied.code, 0, "an anonymous push must fail");
    const login = await docker.ok(
      ["login", reg.host, "-u", "alice", "--password-stdin"],
      { input: "s3cret\n" },
    );
    assert.match(login, /Login Succeeded/);
    await docker.ok(["push", image]);
    const id = (
      await docker.ok(["image", "inspect", "-f", "{{.Id}}", image])
    ).trim();
    await docker.ok(["rmi", image]);
    if (mode === "token") {
      // public/ pulls need no credentials: dockerd fetches an anonymous token.
      // (With a Basic challenge dockerd refuses to go on without stored
      // credentials, as against distribution; clients that just send no
      // header, like curl, pull anonymously there: see access.test.ts.)
      await docker.ok(["logout", reg.host]);
    }
    await docker.ok(["pull", image]);
    assert.equal(
      (await docker.ok(["image", "inspect", "-f", "{{.Id}}", image])).trim(),
      id,
    );
    assert.match(
      reg.log(),
      /alice PUT \/v2\/public\/busybox\/manifests\/v1 201/,
    );
  });
