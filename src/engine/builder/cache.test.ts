import { afterEach, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BuildCache } from "./cache.ts";

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), "wharf-cache-"))));
afterEach(() => rm(dir, { recursive: true, force: true }));

const IMAGE = `sha256:${"1".repeat(64)}`;

test("the landed cache.json layout loads and is rewritten as a RecordStore envelope", async () => {
  await writeFile(
    join(dir, "cache.json"),
    JSON.stringify({ version: 1, steps: { k1: IMAGE } }),
  );
  const cache = new BuildCache({ dir });
  await cache.init();
  assert.equal(cache.get("k1"), IMAGE);
  const onDisk = JSON.parse(await readFile(join(dir, "cache.json"), "utf8"));
  assert.deepEqual(onDisk, {
    schemaVersion: 1,
    record: { steps: { k1: IMAGE } },
  });
});

test("set persists across a restart; forget drops entries", async () => {
  const cache = new BuildCache({ dir });
  await cache.init();
  await cache.set("k2", IMAGE);
  const again = new BuildCache({ dir });
  await again.init();
  assert.equal(again.get("k2"), IMAGE);
  assert.equal(await again.forget((id) => id === IMAGE), 1);
  const third = new BuildCache({ dir });
  await third.init();
  assert.equal(third.get("k2"), undefined);
});
