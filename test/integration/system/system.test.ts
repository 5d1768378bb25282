import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { skipReason, TestDaemon } from "../harness.ts";

const skip = skipReason();

describe(
  "wharfd system endpoints through the real Docker CLI",
  { skip },
  () => {
    const d = new TestDaemon();
    before(() => d.start());
    after(() => d.stop());

    test("docker version shows the wharf engine and API 1.50", async () => {
      const out = await d.ok([
        "version",
        "--format",
        "{{.Server.Version}} {{.Server.APIVersion}} {{.Server.MinAPIVersion}}",
      ]);
      // compat: the minimum is dockerd 20.10's, 1.12 (old clients keep working).
      assert.equal(out.trim(), "0.1.0 1.50 1.12");
    });

    test("docker info reports overlay2, the data root and the container counts", async () => {
      const out = await d.ok([
        "info",
        "--format",
        "{{.Driver}}|{{.DockerRootDir}}|{{.Containers}}|{{.OSType}}",
      ]);
      assert.equal(out.trim(), `overlay2|${join(d.dir, "data")}|0|linux`);
    });

    test("HEAD /_ping answers with every header the CLI reads", async () => {
      const r = await d.curl(["/_ping", "-I"]);
      for (const h of [
        "API-Version: 1.50",
        "OSType: linux",
        "Docker-Experimental: false",
        "Builder-Version: 1",
        "Swarm: inactive",
      ])
        assert.match(r.stdout, new RegExp(h, "i"));
    });

    test("a too old API version gets Docker's 400 message", async () => {
      const r = await d.curl(["/v1.11/info", "-w", "\n%{http_code}"]);
      assert.match(
        r.stdout,
        /client version 1\.11 is too old\. Minimum supported API version is 1\.12/,
      );
      assert.match(r.stdout, /\n400$/);
    });
  },
);

describe("wharfd configuration", { skip }, () => {
  test("two daemons with their own roots and sockets run side by side", async () => {
    const a = new TestDaemon();
    const b = new TestDaemon();
    try {
      await a.start();
      await b.start();
      const ida = await a.ok(["info", "--format", "{{.ID}}"]);
      const idb = await b.ok(["info", "--format", "{{.ID}}"]);
      assert.notEqual(ida.trim(), idb.trim());
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  test("a deep exec root still attaches (bundle paths past the 108-byte socket limit)", async () => {
    const d = new TestDaemon({
      prefix: "/tmp/wharf-integration-with-a-deliberately-long-directory-name-",
    });
    try {
      await d.start();
      await d.importBusybox();
      const r = await d.docker(["run", "-i", "--rm", "busybox", "cat"], {
        input: "through a long path\n",
      });
      assert.equal(r.stdout, "through a long path\n", r.stderr);
    } finally {
      await d.stop();
    }
  });

  test("an unknown daemon.json key stops wharfd with a clear error", () => {
    const dir = mkdtempSync("/tmp/wharf-cfg-");
    try {
      writeFileSync(
        join(dir, "daemon.json"),
        '{"data-root": "/tmp/x", "no-such-key": true}',
      );
      const r = spawnSync(
        process.execPath,
        [
          resolve(import.meta.dirname, "../../../dist/wharfd.cjs"),
          "--config-file",
          join(dir, "daemon.json"),
          "--exec-root",
          join(dir, "run"),
        ],
        { encoding: "utf8" },
      );
      assert.equal(r.status, 1);
      assert.match(
        r.stderr,
        /the following directives don't match any configuration option: no-such-key/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
