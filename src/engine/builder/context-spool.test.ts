import assert from "node:assert/strict";
import { existsSync, openSync, closeSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ContextSpool, MemoryBudget } from "./context-spool.ts";

const text = "abcdefghijklmnopqrstuvwxyz";

/** Appends text in pieces of 1..5 bytes; returns the spool. */
function filled(path: string, budget: MemoryBudget): ContextSpool {
  const spool = new ContextSpool(path, budget);
  for (let i = 0, n = 1; i < text.length; i += n, n = (n % 5) + 1)
    spool.append(Buffer.from(text.slice(i, i + n)));
  return spool;
}

test("ContextSpool: reads any range back, from memory within the budget and from its file past it", async () => {
  const dir = await mkdtemp(join(tmpdir(), "wharf-spool-"));
  try {
    for (const bytes of [1000, 10, 0]) {
      const budget = new MemoryBudget(bytes);
      const path = join(dir, `spool-${bytes}`);
      const spool = filled(path, budget);
      assert.equal(spool.size, text.length);
      assert.equal(spool.onDisk, bytes < text.length);
      assert.equal(existsSync(path), bytes < text.length);
      for (const [at, n] of [
        [0, 26],
        [3, 7],
        [25, 1],
        [12, 0],
      ] as const)
        assert.equal(spool.read(at, n).toString(), text.slice(at, at + n));
      const out = join(dir, `out-${bytes}`);
      const fd = openSync(out, "w");
      spool.copyTo(fd, 4, 15);
      closeSync(fd);
      assert.equal(readFileSync(out, "utf8"), text.slice(4, 19));
      spool.close();
      assert.equal(existsSync(path), false);
      // Everything taken from the budget came back.
      assert.equal(budget.take(bytes), true);
      assert.equal(budget.take(1), false);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
