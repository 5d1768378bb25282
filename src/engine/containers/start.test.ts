import { afterEach, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { NotModifiedError } from "../../util/errors.ts";
import { fakeEngine, type FakeEngine } from "./fake-engine.ts";
import { RESOURCE_ORDER } from "./resources.ts";

let e: FakeEngine;
beforeEach(async () => (e = await fakeEngine()));
afterEach(() => e.close());

/** After a failed start: nothing but the writable layer is held, nothing runs. */
async function assertRolledBack(id: string): Promise<void> {
  assert.deepEqual([...e.ledger.held], [`layer ${id}`]);
  for (const [key, n] of e.ledger.released)
    assert.equal(n, 1, `${key} released once`);
  assert.equal(await e.runtime.state(id), undefined, "no runtime state");
  assert.equal(existsSync(join(e.dir, "exec/containers", id)), false, "bundle");
  const r = await e.onDisk(id);
  assert.deepEqual(r.resources, []);
  assert.notEqual(r.state.status, "running");
  assert.equal(r.state.pid, 0);
  assert.notEqual(r.state.error, "");
}

test("start acquires rootfs, network and mounts once and records them in order", async () => {
  const id = await e.created();
  await e.svc.start(id);
  for (const kind of ["rootfs", "network", "mounts"])
    assert.equal(e.ledger.acquired.get(`${kind} ${id}`), 1, kind);
  const r = await e.onDisk(id);
  assert.equal(r.state.status, "running");
  assert.deepEqual(
    r.resources,
    RESOURCE_ORDER.filter((k) => k !== "shm"),
  );
  assert.ok(existsSync(join(e.dir, "exec/containers", id)));
});

test("start of a running container answers NotModified (304) and acquires nothing more", async () => {
  const id = await e.created();
  await e.svc.start(id);
  await assert.rejects(e.svc.start(id), NotModifiedError);
  assert.equal(e.ledger.acquired.get(`rootfs ${id}`), 1);
  assert.equal(e.runtime.calls.filter((c) => c.method === "create").length, 1);
});

test("a failing rootfs mount rolls back the network prepared beside it", async () => {
  const id = await e.created();
  e.ledger.failOn = "rootfs";
  await assert.rejects(e.svc.start(id), /fake: rootfs failed/);
  assert.equal(e.ledger.events.includes("+mounts"), false);
  assert.ok(e.ledger.events.includes("-network"));
  await assertRolledBack(id);
});

test("a failing network rolls back the rootfs and bundle", async () => {
  const id = await e.created();
  e.ledger.failOn = "network";
  await assert.rejects(e.svc.start(id), /fake: network failed/);
  assert.ok(e.ledger.events.includes("-rootfs"));
  assert.equal(
    e.runtime.calls.some((c) => c.method === "create"),
    false,
  );
  await assertRolledBack(id);
});

test("failing mounts roll back mounts, network and rootfs, in reverse order", async () => {
  const id = await e.created();
  e.ledger.failOn = "mounts";
  await assert.rejects(e.svc.start(id), /fake: mounts failed/);
  // The filesystem chain goes newest first; the network beside it.
  const releases = e.ledger.events.filter((x) => x.startsWith("-"));
  assert.ok(releases.indexOf("-mounts") < releases.indexOf("-rootfs"));
  assert.ok(releases.includes("-network"));
  await assertRolledBack(id);
});

test("an unknown user fails the start after the filesystem was prepared, and rolls it back", async () => {
  const id = await e.created({ User: "nobody" });
  await assert.rejects(e.svc.start(id), /nobody/);
  assert.equal(
    e.runtime.calls.some((c) => c.method === "create"),
    false,
  );
  await assertRolledBack(id);
});

test("a failing runtime create releases everything acquired before it", async () => {
  const id = await e.created();
  e.runtime.failNext = { method: "create", message: "crun: boom" };
  await assert.rejects(
    e.svc.start(id),
    /OCI runtime create failed: crun: boom/,
  );
  await assertRolledBack(id);
});

test("a failing runtime start removes the created process too", async () => {
  const id = await e.created();
  e.runtime.failNext = { method: "start", message: "crun: no start" };
  await assert.rejects(e.svc.start(id), /no start/);
  assert.ok(e.runtime.calls.some((c) => c.method === "remove" && c.id === id));
  await assertRolledBack(id);
});

test("a missing executable fails with Docker's text and exit code 127", async () => {
  const id = await e.created();
  e.runtime.failNext = {
    method: "create",
    message: "executable file `nope` not found in $PATH",
  };
  await assert.rejects(
    e.svc.start(id),
    /exec: "nope": executable file not found in \$PATH/,
  );
  assert.equal((await e.onDisk(id)).state.exitCode, 127);
  await assertRolledBack(id);
});

test("a start after a failed one acquires afresh and runs", async () => {
  const id = await e.created();
  e.ledger.failOn = "network";
  await assert.rejects(e.svc.start(id));
  await e.svc.start(id);
  assert.equal((await e.svc.inspect(id)).State.Status, "running");
  assert.equal(e.ledger.held.has(`network ${id}`), true);
  assert.equal(e.ledger.held.has(`rootfs ${id}`), true);
});

test("a failed start of an AutoRemove container removes it (run --rm ends)", async () => {
  const id = await e.created({ HostConfig: { AutoRemove: true } });
  e.ledger.failOn = "mounts";
  await assert.rejects(e.svc.start(id));
  await assert.rejects(e.svc.inspect(id), /No such container/);
  assert.deepEqual([...e.ledger.held], []);
});
