import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AuditLog } from "./audit-log.ts";

test("AuditLog rotates like json-file: at most maxFiles files, nothing lost or repeated in between", () => {
  const dir = mkdtempSync(join(tmpdir(), "audit-"));
  try {
    const log = new AuditLog(join(dir, "audit.log"), {
      maxSize: 300,
      maxFiles: 3,
    });
    for (let i = 0; i < 12; i++)
      log.record({
        time: "t",
        transport: "unix",
        peer: { uid: i, gid: 0, pid: 1 },
        method: "POST",
        path: "/x",
        object: "",
        status: 204,
      });
    assert.deepEqual(readdirSync(dir).sort(), [
      "audit.log",
      "audit.log.1",
      "audit.log.2",
    ]);
    const uids = ["audit.log.2", "audit.log.1", "audit.log"]
      .flatMap((f) => readFileSync(join(dir, f), "utf8").trim().split("\n"))
      .map((l) => (JSON.parse(l) as { peer: { uid: number } }).peer.uid);
    // The kept lines are the newest ones, in order, each once.
    assert.deepEqual(
      uids,
      Array.from({ length: uids.length }, (_, i) => 12 - uids.length + i),
    );
    for (const f of readdirSync(dir))
      assert.ok(readFileSync(join(dir, f)).length <= 300);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
