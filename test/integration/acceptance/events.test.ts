import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { skipReason, suiteDaemon } from "../harness.ts";

describe("docker events against wharfd", { skip: skipReason() }, () => {
  const d = suiteDaemon();

  test("events --since replays a container's life in Docker's order", async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    await d.ok(["run", "--name", "ev1", "busybox", "true"]);
    await d.ok(["rm", "ev1"]);
    const until = Math.ceil(Date.now() / 1000) + 1;
    const out = await d.ok([
      "events",
      "--since",
      String(since),
      "--until",
      String(until),
      "--filter",
      "container=ev1",
      "--format",
      "{{.Type}} {{.Action}}",
    ]);
    const actions = out.trim().split("\n");
    assert.deepEqual(
      actions.filter((a) => !a.includes("resize")),
      [
        "container create",
        "container attach",
        "container start",
        "container die",
        "container destroy",
      ],
    );
  });

  test("image events: import and tag", async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    await d.ok(["tag", "busybox", "evtag:1"]);
    const out = await d.ok([
      "events",
      "--since",
      String(since),
      "--until",
      String(Math.ceil(Date.now() / 1000) + 1),
      "--filter",
      "type=image",
      "--format",
      "{{.Action}} {{.Actor.Attributes.name}}",
    ]);
    assert.match(out, /^tag evtag:1$/m);
  });
});
