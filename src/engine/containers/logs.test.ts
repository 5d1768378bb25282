import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NotImplementedError } from "../../util/errors.ts";
import { LogService } from "../logging/index.ts";
import {
  checkReadableLogs,
  streamLogs,
  WHOLE_LOG,
  type LogsRequest,
} from "./logs.ts";
import type { ContainerRecord } from "./record.ts";
import type { ContainerStore } from "./store.ts";

const req: LogsRequest = WHOLE_LOG;

const ID = "a".repeat(64);

function record(): ContainerRecord {
  return {
    id: ID,
    name: "/web",
    imageId: "sha256:" + "b".repeat(64),
    path: "sh",
    args: [],
    config: { Tty: true, Image: "busybox", Env: [], Labels: {} },
    hostConfig: { LogConfig: { Type: "json-file", Config: {} } },
  } as unknown as ContainerRecord;
}

test("streamLogs() reads json-file lines: details puts moby's sorted attributes and a space first, timestamps nine digits", async () => {
  const dir = mkdtempSync(join(tmpdir(), "wharf-logs-"));
  try {
    writeFileSync(
      join(dir, `${ID}-json.log`),
      '{"log":"hello\\n","stream":"stdout","attrs":{"z":"1","a b":"x"},"time":"2026-01-01T00:00:00.5Z"}\n' +
        '{"log":"plain\\n","stream":"stdout","time":"2026-01-01T00:00:01Z"}\n',
    );
    const core = {
      store: { dirOf: () => dir } as unknown as ContainerStore,
      logging: new LogService({ warn: () => undefined }),
    };
    const read = async (r: LogsRequest): Promise<string> => {
      const chunks: Buffer[] = [];
      await streamLogs(
        core,
        record(),
        r,
        { write: (c) => chunks.push(c) },
        new AbortController().signal,
      );
      return Buffer.concat(chunks).toString();
    };
    assert.equal(await read(req), "hello\nplain\n");
    assert.equal(
      await read({ ...req, details: true }),
      "a+b=x,z=1 hello\n plain\n",
    );
    assert.equal(
      await read({ ...req, timestamps: true, tail: 1 }),
      "2026-01-01T00:00:01.000000000Z plain\n",
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("checkReadableLogs() answers Docker's 501 for none, syslog and journald", () => {
  const r = (type: string) =>
    ({
      hostConfig: { LogConfig: { Type: type, Config: {} } },
    }) as unknown as ContainerRecord;
  for (const t of ["none", "syslog", "journald"])
    assert.throws(
      () => checkReadableLogs(r(t)),
      (e: unknown) =>
        e instanceof NotImplementedError &&
        e.message === "configured logging driver does not support reading",
    );
  checkReadableLogs(r(""));
  checkReadableLogs(r("json-file"));
  checkReadableLogs(r("local"));
});
