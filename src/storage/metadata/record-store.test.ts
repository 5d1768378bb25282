import { test } from "node:test";
import assert from "node:assert/strict";
import {
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rm,
  writeFile,
} from "node:fs/promises";
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

test("with fileName, records live in one directory per id and temps there are cleaned", () =>
  withDir(async (dir) => {
    await mkdir(join(dir, "v1"));
    await writeFile(join(dir, "v1", ".tmp-1"), "{");
    const s = new RecordStore<{ n: number }>({
      dir,
      schemaVersion: 1,
      fileName: "rec.json",
    });
    await s.init();
    assert.deepEqual(await readdir(join(dir, "v1")), []);
    await s.put("v2", { n: 2 });
    assert.deepEqual(await s.ids(), ["v2"]);
    assert.equal(s.path("v2"), join(dir, "v2", "rec.json"));
    assert.deepEqual(await s.list(), [["v2", { n: 2 }]]);
  }));

test("bare records (version 0) and older versions migrate, and migrateAll() rewrites them once", () =>
  withDir(async (dir) => {
    await writeFile(join(dir, "old.json"), '{"count":"3"}');
    await writeFile(
      join(dir, "v1.json"),
      '{"schemaVersion":1,"record":{"count":"4"}}',
    );
    const seen: number[] = [];
    const s = new RecordStore<{ count: number }>({
      dir,
      schemaVersion: 2,
      migrate: (raw, from) => {
        seen.push(from);
        return { count: Number((raw as { count: string }).count) };
      },
    });
    assert.deepEqual(await s.get("old"), { count: 3 });
    assert.deepEqual((await s.migrateAll()).sort(), ["old", "v1"]);
    assert.deepEqual(
      JSON.parse(await readFile(join(dir, "old.json"), "utf8")),
      { schemaVersion: 2, record: { count: 3 } },
    );
    assert.deepEqual(await s.migrateAll(), []);
    assert.deepEqual(seen.sort(), [0, 0, 1]);
  }));
