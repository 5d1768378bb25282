import { afterEach, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ConflictError } from "../../util/errors.ts";
import { fakeEngine, type FakeEngine } from "./fake-engine.ts";

let e: FakeEngine;
beforeEach(async () => (e = await fakeEngine()));
afterEach(() => e.close());

async function exit(id: string, code: number): Promise<void> {
  const { done } = await e.svc.wait(id, "next-exit");
  e.runtime.exit(id, code);
  await done;
}

test("an exit is recorded with its code, releases the run and publishes die", async () => {
  const id = await e.running();
  await exit(id, 3);
  const r = await e.onDisk(id);
  assert.equal(r.state.status, "exited");
  assert.equal(r.state.exitCode, 3);
  assert.notEqual(r.state.finishedAt, "0001-01-01T00:00:00Z");
  assert.deepEqual(r.resources, []);
  assert.deepEqual([...e.ledger.held], [`layer ${id}`]);
  const die = e.events.history().find((m) => m.Action === "die");
  assert.equal(die?.Actor.Attributes.exitCode, "3");
});

test("a repeated exit notification changes nothing and publishes no second die", async () => {
  const id = await e.running();
  await exit(id, 0);
  await e.restart(); // the watcher replays the exit file
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(e.actions(id).filter((a) => a === "die").length, 1);
  assert.equal(e.ledger.released.get(`rootfs ${id}`), 1);
});

test("run --rm acquires each resource once and releases it once", async () => {
  const { Id: id } = await e.svc.create(
    { Image: "busybox", Cmd: ["true"], HostConfig: { AutoRemove: true } },
    {},
  );
  const { done } = await e.svc.wait(id, "removed");
  await e.svc.start(id);
  e.runtime.exit(id, 0);
  await done;
  for (const kind of ["layer", "rootfs", "network", "mounts"]) {
    assert.equal(e.ledger.acquired.get(`${kind} ${id}`), 1, `${kind} acquired`);
    assert.equal(e.ledger.released.get(`${kind} ${id}`), 1, `${kind} released`);
  }
  assert.deepEqual([...e.ledger.held], []);
  const count = (m: string) =>
    e.runtime.calls.filter((c) => c.method === m && c.id === id).length;
  assert.equal(count("create"), 1);
  assert.equal(count("start"), 1);
  assert.equal(count("remove"), 1, "crun delete once");
  assert.deepEqual(e.actions(id), ["create", "start", "die", "destroy"]);
  assert.equal(existsSync(join(e.dir, "exec/containers", id)), false);
  assert.equal(existsSync(join(e.dir, "data/containers", id)), false);
});

test("remove of a running container needs force; forced, it kills, releases and forgets", async () => {
  const id = await e.running();
  await assert.rejects(e.svc.remove("web"), ConflictError);
  await e.svc.remove("web", { force: true });
  assert.deepEqual([...e.ledger.held], []);
  assert.equal(e.networking.sandboxes.has(id), false);
  assert.deepEqual(e.actions(id), [
    "create",
    "start",
    "kill",
    "die",
    "destroy",
  ]);
  await assert.rejects(e.svc.inspect(id), /No such container/);
});

test("remove of a never-started container only drops its layer and record", async () => {
  const { Id } = await e.svc.create({ Image: "busybox" }, { name: "idle" });
  await e.svc.remove("idle");
  assert.deepEqual([...e.ledger.held], []);
  assert.deepEqual(e.ledger.events, ["+layer", "-layer"]);
  assert.equal(
    e.runtime.calls.some((c) => c.method === "remove"),
    false,
  );
  assert.equal(existsSync(join(e.dir, "data/containers", Id)), false);
});

test("after a crash between runtime create and saving 'running', the next boot releases the journaled list", async () => {
  const id = await e.running();
  // What the disk holds at that moment: the journal, state still created.
  const r = await e.onDisk(id);
  r.state.status = "created";
  r.state.pid = 0;
  await writeFile(e.recordPath(id), JSON.stringify(r));
  await e.restart();
  assert.deepEqual([...e.ledger.held], [`layer ${id}`]);
  assert.equal(await e.runtime.state(id), undefined);
  assert.equal(existsSync(join(e.dir, "exec/containers", id)), false);
  assert.deepEqual((await e.onDisk(id)).resources, []);
});

test("after a crash between acquiring and the runtime, the next boot releases what the journal names", async () => {
  const id = await e.running();
  await e.svc.stop("web");
  // A journal that got as far as the network, with nothing made since.
  const r = await e.onDisk(id);
  r.resources = ["bundle", "rootfs", "network"];
  await writeFile(e.recordPath(id), JSON.stringify(r));
  e.ledger.held.add(`rootfs ${id}`);
  e.ledger.held.add(`network ${id}`);
  await e.restart();
  assert.deepEqual([...e.ledger.held], [`layer ${id}`]);
  assert.equal(
    e.ledger.released.get(`mounts ${id}`),
    1,
    "mounts not released twice",
  );
});

test("an exit while the daemon was down is recorded and released at the next boot", async () => {
  const id = await e.running();
  e.svc.close();
  e.runtime.exit(id, 7);
  await e.restart();
  await new Promise((r) => setTimeout(r, 20));
  const r = await e.onDisk(id);
  assert.equal(r.state.status, "exited");
  assert.equal(r.state.exitCode, 7);
  assert.deepEqual([...e.ledger.held], [`layer ${id}`]);
});

test("a record from before the resource list migrates: the old layout's run is released at the next boot", async () => {
  const id = await e.running();
  const r = await e.onDisk(id);
  delete r.resources;
  await writeFile(e.recordPath(id), JSON.stringify(r));
  e.svc.close();
  e.runtime.exit(id, 0);
  await e.restart();
  await new Promise((res) => setTimeout(res, 20));
  assert.deepEqual([...e.ledger.held], [`layer ${id}`]);
  assert.equal(await e.runtime.state(id), undefined);
  assert.deepEqual((await e.onDisk(id)).resources, []);
});

test("a container whose monitor vanished (reboot) is marked exited 255 and released", async () => {
  const id = await e.running();
  e.svc.close();
  // The runtime forgets it without an exit file, as after a reboot.
  await e.runtime.remove(id, { force: true });
  await e.runtime.clearExitStatus(id);
  await e.restart();
  const r = await e.onDisk(id);
  assert.equal(r.state.status, "exited");
  assert.equal(r.state.exitCode, 255);
  assert.deepEqual([...e.ledger.held], [`layer ${id}`]);
});
