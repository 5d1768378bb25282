import { test } from "node:test";
import assert from "node:assert/strict";
import { fakeRecord } from "./fakes.ts";
import type { ContainerRecord } from "./record.ts";
import {
  hold,
  migrateResources,
  release,
  RESOURCE_ORDER,
  type Releasers,
} from "./resources.ts";

const record = fakeRecord;

/** What a start without a shareable IPC holds. */
const WITHOUT_SHM = RESOURCE_ORDER.filter((k) => k !== "shm");

function releasers(order: string[], fail?: string): Releasers {
  const one = (kind: string) => async () => {
    await new Promise((r) => setImmediate(r));
    order.push(kind);
    if (kind === fail) throw new Error(`${kind} busy`);
  };
  return {
    bundle: one("bundle"),
    rootfs: one("rootfs"),
    network: one("network"),
    mounts: one("mounts"),
    shm: one("shm"),
    logger: one("logger"),
    runtime: one("runtime"),
  };
}

const quiet = { warn: () => undefined };

test("hold() journals each kind before it is acquired, once", async () => {
  const r = record();
  const journaled: string[][] = [];
  const journal = async (x: ContainerRecord) =>
    void journaled.push([...(x.resources ?? [])]);
  await hold(r, ["bundle", "rootfs"], journal);
  await hold(r, ["rootfs", "runtime"], journal);
  assert.deepEqual(journaled, [
    ["bundle", "rootfs"],
    ["bundle", "rootfs", "runtime"],
  ]);
});

test("release() undoes the runtime before the filesystem, the bundle last, the filesystem newest first", async () => {
  const r = record();
  r.resources = [...RESOURCE_ORDER];
  const order: string[] = [];
  await release(r, releasers(order), quiet);
  assert.equal(order.at(-1), "bundle");
  const chain = order.filter((k) => k !== "network" && k !== "bundle");
  assert.deepEqual(chain, ["runtime", "logger", "shm", "mounts", "rootfs"]);
  assert.deepEqual(r.resources, []);
});

test("release() undoes only what the list names", async () => {
  const r = record();
  r.resources = ["bundle", "rootfs"];
  const order: string[] = [];
  await release(r, releasers(order), quiet);
  assert.deepEqual(order, ["rootfs", "bundle"]);
});

test("release() is idempotent: a second call does nothing", async () => {
  const r = record();
  r.resources = ["bundle", "network"];
  const order: string[] = [];
  await release(r, releasers(order), quiet);
  await release(r, releasers(order), quiet);
  assert.deepEqual(order, ["network", "bundle"]);
});

test("release() goes on past a failing step and logs it", async () => {
  const r = record();
  r.resources = ["bundle", "rootfs", "mounts", "runtime"];
  const order: string[] = [];
  const warned: string[] = [];
  await release(r, releasers(order, "mounts"), {
    warn: (msg) => void warned.push(msg),
  });
  assert.deepEqual(order, ["runtime", "mounts", "rootfs", "bundle"]);
  assert.deepEqual(warned, ["cannot release the container's mounts"]);
  assert.deepEqual(r.resources, []);
});

test("migrateResources() gives an old record every kind its start could hold", () => {
  const r = record();
  migrateResources(r);
  assert.deepEqual(r.resources, WITHOUT_SHM);
  const s = record({ IpcMode: "shareable" });
  migrateResources(s);
  assert.ok(s.resources?.includes("shm"));
});

test("migrateResources() leaves a record with a list alone", () => {
  const r = record();
  r.resources = [];
  migrateResources(r);
  assert.deepEqual(r.resources, []);
});
