import { test } from "node:test";
import assert from "node:assert/strict";
import { cp, mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { VolumeStore } from "./store.ts";

const FIXTURE = join(
  import.meta.dirname,
  "../../../test/fixtures/layout-v0/volumes",
);

async function withRoot(fn: (root: string) => Promise<void>): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), "wharf-volstore-"));
  try {
    await fn(root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

test("load() reads bare records of the old layout and rewrites them with a schema version", () =>
  withRoot(async (root) => {
    await cp(FIXTURE, root, { recursive: true });
    const store = new VolumeStore(root);
    await store.load();
    assert.deepEqual(store.get("data")?.labels, { app: "web" });
    const onDisk = JSON.parse(
      await readFile(join(root, "data", "volume.json"), "utf8"),
    ) as { schemaVersion: number; record: { name: string } };
    assert.equal(onDisk.schemaVersion, 1);
    assert.equal(onDisk.record.name, "data");
    // compat: a directory a crash left without a record is removed, as before.
    assert.deepEqual(await readdir(root), ["data"]);
  }));

test("save() then a fresh load() round-trips; remove() drops only the record", () =>
  withRoot(async (root) => {
    const store = new VolumeStore(root);
    await store.load();
    const rec = {
      schema: 1 as const,
      name: "v1",
      driver: "local",
      labels: {},
      options: { type: "tmpfs" },
      createdAt: "2026-12-01T00:00:00Z",
      anonymous: true,
    };
    await store.save(rec);
    const again = new VolumeStore(root);
    await again.load();
    assert.deepEqual(again.get("v1"), rec);
    await again.remove("v1");
    assert.equal(again.get("v1"), undefined);
    assert.deepEqual(await readdir(join(root, "v1")), []);
  }));
