import { afterEach, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { fakeEngine, type FakeEngine } from "./fake-engine.ts";

let e: FakeEngine;
beforeEach(async () => (e = await fakeEngine()));
afterEach(() => e.close());

async function running(policy: string, max = 0): Promise<string> {
  const { Id } = await e.svc.create(
    {
      Image: "busybox",
      Cmd: ["false"],
      HostConfig: { RestartPolicy: { Name: policy, MaximumRetryCount: max } },
    },
    { name: "web" },
  );
  await e.svc.start(Id);
  return Id;
}

/** Resolves at the next container event with this action. */
function next(action: string): Promise<void> {
  return new Promise((resolve) => {
    const off = e.events.subscribe((m) => {
      if (m.Action === action) {
        off();
        resolve();
      }
    });
  });
}

test("on-failure restarts after a failing exit, after its back-off, counting restarts", async () => {
  const id = await running("on-failure");
  const started = next("start");
  e.runtime.exit(id, 1);
  await started;
  const i = await e.svc.inspect(id);
  assert.equal(i.State.Status, "running");
  assert.equal(i.RestartCount, 1);
  assert.equal(e.ledger.acquired.get(`rootfs ${id}`), 2);
  assert.equal(
    e.ledger.released.get(`rootfs ${id}`),
    1,
    "released between runs",
  );
});

test("between the exit and the restart the container is 'restarting' and holds nothing", async () => {
  const id = await running("always");
  const died = next("die");
  e.runtime.exit(id, 0);
  await died;
  await new Promise((r) => setImmediate(r));
  assert.equal((await e.svc.inspect(id)).State.Status, "restarting");
  assert.deepEqual([...e.ledger.held], [`layer ${id}`]);
});

test("on-failure stops restarting after MaximumRetryCount", async () => {
  const id = await running("on-failure", 2);
  for (let n = 0; n < 2; n++) {
    const started = next("start");
    e.runtime.exit(id, 1);
    await started;
  }
  const { done } = await e.svc.wait(id, "next-exit");
  e.runtime.exit(id, 1);
  await done;
  await new Promise((r) => setTimeout(r, 150));
  const i = await e.svc.inspect(id);
  assert.equal(i.State.Status, "exited");
  assert.equal(i.RestartCount, 2);
});

test("on-failure leaves a clean exit alone", async () => {
  const id = await running("on-failure");
  const { done } = await e.svc.wait(id, "next-exit");
  e.runtime.exit(id, 0);
  await done;
  assert.equal((await e.svc.inspect(id)).State.Status, "exited");
});

test("a stop by the user is never undone by the always policy", async () => {
  const id = await running("always");
  await e.svc.stop("web");
  await new Promise((r) => setTimeout(r, 150));
  assert.equal((await e.svc.inspect(id)).State.Status, "exited");
  assert.equal(e.actions(id).filter((a) => a === "start").length, 1);
});

test("kill of a restarting container cancels the restart without an event", async () => {
  const id = await running("always");
  const died = next("die");
  e.runtime.exit(id, 1);
  await died;
  await new Promise((r) => setImmediate(r));
  const before = e.actions(id).length;
  await e.svc.kill("web");
  await new Promise((r) => setTimeout(r, 150));
  assert.equal((await e.svc.inspect(id)).State.Status, "exited");
  assert.equal(e.actions(id).length, before);
});

test("stop of a restarting container cancels the restart and publishes stop", async () => {
  const id = await running("always");
  const died = next("die");
  e.runtime.exit(id, 1);
  await died;
  await new Promise((r) => setImmediate(r));
  await e.svc.stop("web");
  await new Promise((r) => setTimeout(r, 150));
  assert.equal((await e.svc.inspect(id)).State.Status, "exited");
  assert.equal(e.actions(id).at(-1), "stop");
});

test("restart stops then starts, publishing restart last", async () => {
  const id = await running("no");
  await e.svc.restart("web", { timeout: 0 });
  assert.deepEqual(e.actions(id).slice(2), [
    "kill",
    "die",
    "stop",
    "start",
    "restart",
  ]);
  assert.equal((await e.svc.inspect(id)).State.Status, "running");
});
