import { afterEach, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { ConflictError, NotModifiedError } from "../../util/errors.ts";
import { fakeEngine, type FakeEngine } from "./fake-engine.ts";

let e: FakeEngine;
beforeEach(async () => (e = await fakeEngine()));
afterEach(() => e.close());

function killSignals(id: string): string[] {
  return e.events
    .history()
    .filter((m) => m.Actor.ID === id && m.Action === "kill")
    .map((m) => m.Actor.Attributes.signal ?? "");
}

test("stop sends SIGTERM and publishes kill, die, stop in that order", async () => {
  const id = await e.running();
  await e.svc.stop("web");
  assert.deepEqual(e.actions(id), ["create", "start", "kill", "die", "stop"]);
  assert.deepEqual(killSignals(id), ["15"]);
  const i = await e.svc.inspect(id);
  assert.equal(i.State.Status, "exited");
  assert.equal(i.State.ExitCode, 143);
});

test("stop sends SIGKILL after the timeout when the process ignores the stop signal", async () => {
  const id = await e.running();
  e.runtime.ignoreSignals.add(15);
  await e.svc.stop("web", { timeout: 0 });
  assert.deepEqual(killSignals(id), ["15", "9"]);
  assert.deepEqual(e.actions(id), [
    "create",
    "start",
    "kill",
    "kill",
    "die",
    "stop",
  ]);
  assert.equal((await e.svc.inspect(id)).State.ExitCode, 137);
});

test("stop of a stopped container answers NotModified (304) and publishes nothing", async () => {
  const id = await e.running();
  await e.svc.stop("web");
  const before = e.actions(id).length;
  await assert.rejects(e.svc.stop("web"), NotModifiedError);
  const { Id } = await e.svc.create({ Image: "busybox" }, { name: "fresh" });
  await assert.rejects(e.svc.stop(Id), NotModifiedError);
  assert.equal(e.actions(id).length, before);
});

test("stop uses the container's StopSignal, and the request's signal over it", async () => {
  const id = await e.running({ StopSignal: "SIGUSR1" });
  await e.svc.stop("web");
  assert.deepEqual(killSignals(id), ["10"]);
  await e.svc.start("web");
  await e.svc.stop("web", { signal: "SIGINT" });
  assert.deepEqual(killSignals(id), ["10", "2"]);
});

test("stop with timeout -1 waits for the process however long it takes", async () => {
  const id = await e.running();
  e.runtime.ignoreSignals.add(15);
  let done = false;
  const signalled = new Promise<void>((resolve) => {
    const off = e.events.subscribe((m) => {
      if (m.Action === "kill") {
        off();
        resolve();
      }
    });
  });
  const stopping = e.svc.stop("web", { timeout: -1 }).then(() => (done = true));
  await signalled;
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(done, false);
  assert.deepEqual(killSignals(id), ["15"]);
  e.runtime.exit(id, 0);
  await stopping;
  assert.equal((await e.svc.inspect(id)).State.ExitCode, 0);
});

test("stop saves stoppedByUser before the signal reaches the runtime", async () => {
  const id = await e.running();
  const kill = e.runtime.kill.bind(e.runtime);
  let onDisk: boolean | undefined;
  e.runtime.kill = async (cid, signal, options) => {
    onDisk = (await e.onDisk(cid)).stoppedByUser;
    return kill(cid, signal, options);
  };
  await e.svc.stop(id);
  assert.equal(onDisk, true);
});

test("stop releases what the run held, each resource once", async () => {
  const id = await e.running();
  await e.svc.stop("web");
  for (const kind of ["rootfs", "network", "mounts"])
    assert.equal(e.ledger.released.get(`${kind} ${id}`), 1, kind);
  assert.deepEqual([...e.ledger.held], [`layer ${id}`]);
  assert.equal(await e.runtime.state(id), undefined);
});

test("kill sends SIGKILL by default and returns once the exit is recorded", async () => {
  const id = await e.running();
  await e.svc.kill("web");
  assert.equal((await e.svc.inspect(id)).State.Status, "exited");
  assert.equal((await e.svc.inspect(id)).State.ExitCode, 137);
  assert.deepEqual(e.actions(id), ["create", "start", "kill", "die"]);
});

test("kill with a signal the process ignores leaves it running", async () => {
  const id = await e.running();
  e.runtime.ignoreSignals.add(1);
  await e.svc.kill("web", { signal: "SIGHUP" });
  assert.equal((await e.svc.inspect(id)).State.Status, "running");
  assert.deepEqual(killSignals(id), ["1"]);
});

test("kill of a stopped container is Docker's 409 'is not running'", async () => {
  const { Id } = await e.svc.create({ Image: "busybox" }, { name: "idle" });
  await assert.rejects(
    e.svc.kill("idle"),
    (err: unknown) =>
      err instanceof ConflictError &&
      err.message === `Container ${Id} is not running`,
  );
});

test("kill with an unknown signal is refused before anything is sent", async () => {
  const id = await e.running();
  await assert.rejects(e.svc.kill("web", { signal: "SIGNOPE" }));
  assert.deepEqual(killSignals(id), []);
});

test("kill -9 of a paused container thaws it so it can die", async () => {
  const id = await e.running();
  await e.svc.pause("web");
  await e.svc.kill("web");
  assert.ok(e.runtime.calls.some((c) => c.method === "resume" && c.id === id));
  assert.equal((await e.svc.inspect(id)).State.Status, "exited");
});
