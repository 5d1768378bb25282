import { test } from "node:test";
import assert from "node:assert/strict";
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LogCopier, MAX_LINE } from "./copier.ts";
import type { LogEntry, LogSink } from "./driver.ts";

class MemorySink implements LogSink {
  entries: LogEntry[] = [];
  closed = false;
  log(entries: LogEntry[]): Promise<void> {
    this.entries.push(...entries);
    return Promise.resolve();
  }
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

const T = "2026-01-01T00:00:00.100000000+00:00";

test("LogCopier joins conmon's partial chunks per stream, splits long lines at 16 KiB, and empties conmon's log when finished", async () => {
  const dir = mkdtempSync(join(tmpdir(), "wharf-copier-"));
  try {
    const path = join(dir, "ctr.log");
    const long = "y".repeat(MAX_LINE + 10);
    writeFileSync(
      path,
      `${T} stdout P hel\n${T} stderr F err\n${T} stdout F lo\n${T} stdout F ${long}\n`,
    );
    const sink = new MemorySink();
    const copier = new LogCopier(path, sink, (err) => assert.fail(String(err)));
    await copier.start();
    appendFileSync(path, `${T} stdout P tail-without-newline\n`);
    await copier.finish();
    const got = sink.entries.map((e) => [
      e.stream,
      e.line.toString().slice(0, 5),
      e.partial,
      e.line.length,
    ]);
    assert.deepEqual(got, [
      ["stderr", "err", false, 3],
      ["stdout", "hello", false, 5],
      ["stdout", "yyyyy", true, MAX_LINE],
      ["stdout", "yyyyy", false, 10],
      ["stdout", "tail-", true, 20],
    ]);
    assert.equal(sink.entries[0]!.time, "2026-01-01T00:00:00.1Z");
    assert.ok(sink.closed);
    assert.equal(readFileSync(path, "utf8"), "");
    assert.ok(!existsSync(`${path}.pos`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("LogCopier resumes from its saved position after a restart, repeating nothing", async () => {
  const dir = mkdtempSync(join(tmpdir(), "wharf-copier-"));
  try {
    const path = join(dir, "ctr.log");
    writeFileSync(path, `${T} stdout F one\n`);
    const first = new MemorySink();
    const a = new LogCopier(path, first, () => undefined);
    await a.start();
    for (let i = 0; i < 50 && first.entries.length < 1; i++)
      await new Promise((r) => setTimeout(r, 20));
    await a.detach();
    appendFileSync(path, `${T} stdout F two\n`);
    const second = new MemorySink();
    const b = new LogCopier(path, second, () => undefined);
    await b.start();
    await b.finish();
    assert.deepEqual(
      first.entries.map((e) => e.line.toString()),
      ["one"],
    );
    assert.deepEqual(
      second.entries.map((e) => e.line.toString()),
      ["two"],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
