import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  decodeFrames,
  decodeJsonLines,
  encodeFrame,
  encodeJsonLine,
} from "./codecs.ts";
import type { LogEntry } from "./driver.ts";
import { readFiles, staticSnapshot } from "./reader.ts";
import { RotatingFile } from "./rotating-file.ts";

const entry = (i: number): LogEntry => ({
  stream: i % 2 ? "stderr" : "stdout",
  time: `2026-01-01T00:00:${String(i % 60).padStart(2, "0")}.5Z`,
  line: Buffer.from(`line ${i} ${"x".repeat(40)}`),
  partial: false,
});

function lines(
  files: ReturnType<typeof staticSnapshot>["files"],
  decode = decodeJsonLines,
): string[] {
  const out: string[] = [];
  readFiles(files, decode, (e) => out.push(e.line.toString().split(" ")[1]!));
  return out;
}

test("RotatingFile keeps at most max-file files and a follower's snapshot plus live entries hold every line once", async () => {
  const dir = mkdtempSync(join(tmpdir(), "wharf-rot-"));
  try {
    const path = join(dir, "c-json.log");
    const f = RotatingFile.open(path, {
      maxSize: 1000,
      maxFiles: 3,
      compress: true,
      encode: (e) => encodeJsonLine(e, ""),
    });
    for (let i = 0; i < 50; i++) await f.log([entry(i)]);
    const live: string[] = [];
    let ended = false;
    const snap = f.snapshot({
      entries: (es) =>
        live.push(...es.map((e) => e.line.toString().split(" ")[1]!)),
      end: () => (ended = true),
    });
    for (let i = 50; i < 300; i += 10)
      await f.log(Array.from({ length: 10 }, (_, k) => entry(i + k)));
    await f.close();
    const seen = [...lines(snap.files), ...live].map(Number);
    snap.release();
    assert.ok(ended);
    assert.equal(seen.at(-1), 299);
    for (let i = 1; i < seen.length; i++)
      assert.equal(seen[i], seen[i - 1]! + 1);
    const files = readdirSync(dir).sort();
    assert.ok(files.length <= 3, files.join(" "));
    assert.ok(files.includes("c-json.log.1.gz"), files.join(" "));
    const kept = lines(staticSnapshot(path, 3).files).map(Number);
    assert.equal(kept.at(-1), 299);
    for (let i = 1; i < kept.length; i++)
      assert.equal(kept[i], kept[i - 1]! + 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("json-file lines use moby's key order and keep partial lines without a newline", () => {
  const b = Buffer.from(
    encodeJsonLine(
      {
        stream: "stdout",
        time: "2026-01-01T00:00:00Z",
        line: Buffer.from('a"<b'),
        partial: true,
      },
      ',"attrs":{"k":"v"}',
    ),
  );
  assert.equal(
    b.toString(),
    '{"log":"a\\"<b","stream":"stdout","attrs":{"k":"v"},"time":"2026-01-01T00:00:00Z"}\n',
  );
  const { entries, used } = decodeJsonLines(
    Buffer.concat([b, Buffer.from('{"log":"torn')]),
  );
  assert.equal(used, b.length);
  assert.deepEqual(entries[0]!.attrs, { k: "v" });
  assert.equal(entries[0]!.partial, true);
});

test("local frames round-trip and a torn frame waits for more bytes", () => {
  const e: LogEntry = { ...entry(3), attrs: { a: "1" } };
  const b = Buffer.concat([encodeFrame(e), encodeFrame(entry(4))]);
  const all = decodeFrames(b);
  assert.equal(all.used, b.length);
  assert.deepEqual(all.entries[0], e);
  const torn = decodeFrames(b.subarray(0, b.length - 3));
  assert.equal(torn.entries.length, 1);
});
