import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RecordStore } from "./record-store.ts";

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "wharf-records-"));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test("put() then get() and list() return the record; remove() is idempotent", () =>
  withDir(async (dir) => {
    const s = new RecordStore<{ n: number }>({ dir, schemaVersion: 1 });
    await s.init();
    await s.put("a", { n: 1 });
    await s.put("sha256:b", { n: 2 });
    assert.deepEqual(await s.get("a"), { n: 1 });
    assert.deepEqual((await s.list()).sort(), [
      ["a", { n: 1 }],
      ["sha256:b", { n: 2 }],
    ]);
    await s.remove("a");
    await s.remove("a");
    assert.equal(await s.get("a"), undefined);
  }));

test("init() removes half-written temp files and ids with slashes are refused", () =>
  withDir(async (dir) => {
    await writeFile(join(dir, ".tmp-123"), "{");
    const s = new RecordStore<object>({ dir, schemaVersion: 1 });
    await s.init();
    assert.deepEqual(await readdir(dir), []);
    await assert.rejects(s.put("../x", {}), /invalid record id/);
  }));

test("a record written by a newer schema version is refused", () =>
  withDir(async (dir) => {
    await new RecordStore<object>({ dir, schemaVersion: 2 }).put("x", {});
    await assert.rejects(
      new RecordStore<object>({ dir, schemaVersion: 1 }).get("x"),
      /newer/,
    );
  }));
