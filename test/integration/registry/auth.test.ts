import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { skipReason, TestDaemon } from "../harness.ts";
import { registrySkip, TestRegistry } from "./registry.ts";

const skip =
  skipReason() ??
  registrySkip() ??
  (execFileSync("sh", ["-c", "command -v htpasswd || true"]).length === 0
    ? "needs htpasswd (apt-get install apache2-utils)"
    : undefined);

test(
  "htpasswd registry: push and pull refused before docker login, work after; a wrong password is refused",
  { skip },
  async () => {
    const holder = new TestRegistry();
    const htpasswd = join(holder.dir, "htpasswd");
    execFileSync("htpasswd", ["-Bbc", htpasswd, "alice", "s3cret"]);
    const reg = new TestRegistry({
      extra: `auth:\n  htpasswd:\n    realm: test-realm\n    path: ${htpasswd}\n`,
    });
    const d = new TestDaemon();
    try {
      await reg.start();
      await d.start();
      await d.importBusybox();
      const name = `${reg.host}/private/bb:1`;
      await d.ok(["tag", "busybox", name]);
      const refused = await d.docker(["push", name]);
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /no basic auth credentials/);
      const wrong = await d.docker(
        ["login", "-u", "alice", "--password-stdin", reg.host],
        { input: "nope\n" },
      );
      assert.notEqual(wrong.code, 0);
      assert.match(wrong.stderr, /401 Unauthorized/);
      await d.ok(["login", "-u", "alice", "--password-stdin", reg.host], {
        input: "s3cret\n",
      });
      assert.match(await d.ok(["push", name]), /Pushed/);
      await d.ok(["rmi", name]);
      assert.match(await d.ok(["pull", name]), /Downloaded newer image/);
      await d.ok(["logout", reg.host]);
      await d.ok(["rmi", name]);
      const pull = await d.docker(["pull", name]);
      assert.notEqual(pull.code, 0);
      assert.match(pull.stderr, /no basic auth credentials/);
    } finally {
      await d.stop();
      await reg.stop();
      await holder.stop();
    }
  },
);
