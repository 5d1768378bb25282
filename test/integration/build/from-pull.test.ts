import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { skipReason } from "../harness.ts";
import { htpasswdSkip, registryFixture } from "../registry/fixture.ts";
import { registrySkip } from "../registry/registry.ts";

const skip = skipReason() ?? registrySkip() ?? htpasswdSkip();

test(
  "FROM an image that is not local pulls it (with the CLI's logins from X-Registry-Config); --pull pulls a newer one",
  { skip },
  async (t) => {
    const { reg, d } = await registryFixture(t, {
      htpasswd: { user: "bob", password: "pw" },
      busybox: true,
    });
    delete d.env.DOCKER_BUILDKIT;
    const ctx = mkdtempSync("/tmp/wharf-build-pull-");
    t.after(() => rmSync(ctx, { recursive: true, force: true }));
    const base = `${reg.host}/base/bb:1`;
    await d.ok(["tag", "busybox", base]);
    await d.ok(["login", "-u", "bob", "--password-stdin", reg.host], {
      input: "pw\n",
    });
    await d.ok(["push", base]);
    await d.ok(["rmi", base]);
    writeFileSync(
      join(ctx, "Dockerfile"),
      `FROM ${base}\nRUN cat /etc/version 2>/dev/null || echo v0\n`,
    );
    // Logged out: the registry refuses, the build fails and leaves nothing.
    await d.ok(["logout", reg.host]);
    const refused = await d.docker(["build", "-t", "from-pull:1", ctx]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /no basic auth credentials/);
    assert.notEqual((await d.docker(["image", "inspect", base])).code, 0);
    await d.ok(["login", "-u", "bob", "--password-stdin", reg.host], {
      input: "pw\n",
    });
    const out = await d.ok(["build", "-t", "from-pull:1", ctx]);
    assert.match(out, /Step 1\/2 : FROM 127\.0\.0\.1:\d+\/base\/bb:1/);
    assert.match(out, /Pulling from base\/bb/);
    assert.match(
      out,
      /Status: Downloaded newer image for 127\.0\.0\.1:\d+\/base\/bb:1/,
    );
    assert.match(out, /\nv0\n/);
    // A newer base in the registry: a plain build keeps the local one, --pull takes the new one.
    const newer = join(ctx, "newer");
    execFileSync("mkdir", ["-p", newer]);
    writeFileSync(
      join(newer, "Dockerfile"),
      "FROM busybox\nRUN echo v2 > /etc/version\n",
    );
    await d.ok(["build", "-t", base, newer]);
    await d.ok(["push", base]);
    await d.ok(["rmi", base]);
    await d.ok(["tag", "busybox", base]);
    const cached = await d.ok(["build", "-t", "from-pull:1", ctx]);
    assert.doesNotMatch(cached, /Pulling from/);
    assert.match(cached, /Using cache/);
    const pulled = await d.ok(["build", "--pull", "-t", "from-pull:2", ctx]);
    assert.match(pulled, /Pulling from base\/bb/);
    assert.match(pulled, /\nv2\n/);
  },
);
