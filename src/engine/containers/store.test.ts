import { afterEach, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fakeRecord } from "./fakes.ts";
import { CONTAINER_SCHEMA, ContainerStore } from "./store.ts";

let root: string;
beforeEach(async () => (root = await mkdtemp(join(tmpdir(), "wharf-store-"))));
afterEach(() => rm(root, { recursive: true, force: true }));

const ID = "a".repeat(64);
const file = (id: string) => join(root, "containers", id, "record.json");

/** Writes what a wharfd before the RecordStore wrote: the bare record, no resource list. */
async function writeLanded(id: string): Promise<void> {
  const r = fakeRecord({ IpcMode: "shareable" }, { id, name: "/old" });
  r.state = { ...r.state, status: "exited", exitCode: 3 };
  delete r.resources;
  await mkdir(join(root, "containers", id), { recursive: true });
  await writeFile(file(id), JSON.stringify(r));
}

test("a record in the landed (bare) layout loads, gets its resource list and is rewritten in the envelope", async () => {
  await writeLanded(ID);
  const store = new ContainerStore(root);
  const loaded = await store.load();
  assert.deepEqual(loaded.orphans, []);
  const r = store.resolve("old");
  assert.equal(r.id, ID);
  assert.equal(r.state.exitCode, 3);
  assert.ok(
    r.resources?.includes("shm"),
    "migrated: every kind a start could hold",
  );
  const onDisk = JSON.parse(await readFile(file(ID), "utf8")) as {
    schemaVersion: number;
    record: { id: string; resources: string[] };
  };
  assert.equal(onDisk.schemaVersion, CONTAINER_SCHEMA);
  assert.equal(onDisk.record.id, ID);
  assert.deepEqual(onDisk.record.resources, r.resources);
  // A second start reads the envelope as it is.
  const again = new ContainerStore(root);
  await again.load();
  assert.deepEqual(again.get(ID), r);
});

test("save writes the envelope; a directory without a readable record is an orphan; a newer schema is left alone", async () => {
  const store = new ContainerStore(root);
  await store.load();
  await mkdir(join(root, "containers", ID), { recursive: true });
  await store.save(fakeRecord({}, { id: ID }), { durable: false });
  const env = JSON.parse(await readFile(file(ID), "utf8")) as {
    schemaVersion: number;
  };
  assert.equal(env.schemaVersion, CONTAINER_SCHEMA);
  const torn = "b".repeat(64);
  await mkdir(join(root, "containers", torn));
  await writeFile(file(torn), "{");
  const future = "c".repeat(64);
  await mkdir(join(root, "containers", future));
  const newer = JSON.stringify({ schemaVersion: 99, record: { id: future } });
  await writeFile(file(future), newer);
  const loaded = await new ContainerStore(root).load();
  assert.deepEqual(loaded.orphans, [torn]);
  assert.deepEqual(loaded.newer, [future]);
  assert.equal(await readFile(file(future), "utf8"), newer);
});
