import { test } from "node:test";
import assert from "node:assert/strict";
import { skipReason } from "../harness.ts";
import { registryFixture } from "./fixture.ts";
import { registrySkip, type TestRegistry } from "./registry.ts";

const skip = skipReason() ?? registrySkip();

/** PATCH requests (blob uploads) the registry logged for a repository. */
function uploads(reg: TestRegistry, repo: string): number {
  return reg
    .log()
    .split("\n")
    .filter((l) => l.includes(`"PATCH /v2/${repo}/blobs/uploads/`)).length;
}

test(
  "push round trip: push, rmi, pull back the same image; a second push skips; another repository mounts",
  { skip },
  async (t) => {
    const { reg, d } = await registryFixture(t, { busybox: true });
    const name = `${reg.host}/team/bb:1`;
    await d.ok(["tag", "busybox", name]);
    const id = (
      await d.ok(["image", "inspect", "-f", "{{.Id}}", "busybox"])
    ).trim();
    const first = await d.ok(["push", name]);
    assert.match(
      first,
      new RegExp(`The push refers to repository \\[${reg.host}/team/bb\\]`),
    );
    assert.match(first, /Pushed/);
    assert.match(first, /1: digest: sha256:[a-f0-9]{64} size: \d+/);
    assert.equal(uploads(reg, "team/bb"), 2, "one layer and the config");
    const again = await d.ok(["push", name]);
    assert.match(again, /Layer already exists/);
    assert.equal(uploads(reg, "team/bb"), 2, "a second push uploads nothing");
    const other = `${reg.host}/team/other:1`;
    await d.ok(["tag", "busybox", other]);
    const mounted = await d.ok(["push", other]);
    assert.match(mounted, /Mounted from team\/bb/);
    assert.equal(uploads(reg, "team/other"), 0, "mounted, not uploaded");
    await d.ok(["rmi", "-f", id]);
    await d.ok(["pull", name]);
    const back = JSON.parse(await d.ok(["image", "inspect", name])) as Array<{
      Id: string;
      RepoDigests: string[];
    }>;
    assert.equal(back[0]!.Id, id);
    assert.equal(back[0]!.RepoDigests.length, 1);
    // Pull then push elsewhere: nothing is compressed or uploaded again.
    const third = `${reg.host}/team/third:1`;
    await d.ok(["tag", name, third]);
    assert.match(await d.ok(["push", third]), /Mounted from team\/bb/);
    assert.equal(uploads(reg, "team/third"), 0);
    const none = await d.docker(["push", `${reg.host}/team/nothing`]);
    assert.notEqual(none.code, 0);
    assert.match(
      none.stderr,
      /tag does not exist: 127\.0\.0\.1:\d+\/team\/nothing:latest/,
    );
  },
);
