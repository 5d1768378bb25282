import { test } from "node:test";
import assert from "node:assert/strict";
import { skipReason } from "../harness.ts";
import { htpasswdSkip, registryWithBusybox } from "./fixture.ts";
import { registrySkip } from "./registry.ts";

const skip = skipReason() ?? registrySkip() ?? htpasswdSkip();

test(
  "htpasswd registry: push and pull refused before docker login, work after; a wrong password is refused",
  { skip },
  async (t) => {
    const { reg, d, name } = await registryWithBusybox(t, "private/bb:1", {
      htpasswd: { user: "alice", password: "s3cret" },
    });
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
  },
);
