import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NotImplementedError } from "../../util/errors.ts";
import { checkReadableLogs, streamLogs, type LogsRequest } from "./logs.ts";
import type { ContainerRecord } from "./record.ts";

const req: LogsRequest = {
  follow: false,
  stdout: true,
  stderr: true,
  since: 0n,
  until: 0n,
  tail: "all",
  timestamps: false,
};

test("streamLogs() with details puts moby's attribute prefix (none: a space) before each line", async () => {
  const dir = mkdtempSync(join(tmpdir(), "wharf-logs-"));
  try {
    const path = join(dir, "ctr.log");
    writeFileSync(path, "2026-01-01T00:00:00.000000000Z stdout F hello\n");
    const read = async (r: LogsRequest): Promise<string> => {
      const chunks: Buffer[] = [];
      await streamLogs(
        path,
        r,
        { write: (c) => chunks.push(c) },
        {
          tty: true,
          stillRunning: () => false,
          signal: new AbortController().signal,
        },
      );
      return Buffer.concat(chunks).toString();
    };
    assert.equal(await read(req), "hello\n");
    assert.equal(await read({ ...req, details: true }), " hello\n");
    assert.equal(
      await read({ ...req, details: true, timestamps: true }),
      "2026-01-01T00:00:00.000000000Z  hello\n",
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("checkReadableLogs() answers Docker's 501 for --log-driver none only", () => {
  const r = (type: string) =>
    ({
      hostConfig: { LogConfig: { Type: type, Config: {} } },
    }) as unknown as ContainerRecord;
  assert.throws(
    () => checkReadableLogs(r("none")),
    (e: unknown) =>
      e instanceof NotImplementedError &&
      e.message === "configured logging driver does not support reading",
  );
  checkReadableLogs(r(""));
  checkReadableLogs(r("json-file"));
});
