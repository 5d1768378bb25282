import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseFlags } from "../../flags.ts";
import {
  SECURITY_FLAGS,
  namespaceHostConfig,
  securityHostConfig,
} from "./create-options-security.ts";

const hc = (...opts: string[]) =>
  securityHostConfig(
    parseFlags(
      SECURITY_FLAGS,
      opts.flatMap((o) => ["--security-opt", o]),
    ).flags,
  );

test("--security-opt sends a seccomp file's compacted content, as the Docker CLI does", () => {
  const dir = mkdtempSync(join(tmpdir(), "wharf-secopt-"));
  try {
    const file = join(dir, "p.json");
    writeFileSync(file, '{\n  "defaultAction": "SCMP_ACT_ALLOW"\n}\n');
    assert.deepEqual(hc(`seccomp=${file}`, "no-new-privileges"), {
      SecurityOpt: [
        'seccomp={"defaultAction":"SCMP_ACT_ALLOW"}',
        "no-new-privileges",
      ],
    });
    writeFileSync(file, "{nope");
    assert.throws(
      () => hc(`seccomp=${file}`),
      /compacting json for seccomp profile/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.throws(() => hc("seccomp=/nonexistent.json"), {
    message:
      "opening seccomp profile (/nonexistent.json) failed: open /nonexistent.json: no such file or directory",
  });
});

test("--security-opt keeps builtin/unconfined and turns systempaths=unconfined into empty path lists", () => {
  assert.deepEqual(hc(), {});
  assert.deepEqual(hc("seccomp=unconfined", "systempaths=unconfined"), {
    SecurityOpt: ["seccomp=unconfined"],
    MaskedPaths: [],
    ReadonlyPaths: [],
  });
  assert.deepEqual(hc("label:disable"), { SecurityOpt: ["label:disable"] });
  assert.throws(() => hc("nonsense"), {
    message: 'Invalid --security-opt: "nonsense"',
  });
  assert.throws(() => hc("label="), /Invalid --security-opt/);
});

test("--pid, --ipc and --uts set only the modes given", () => {
  const ns = (...args: string[]) =>
    namespaceHostConfig(parseFlags(SECURITY_FLAGS, args).flags);
  assert.deepEqual(ns(), {});
  assert.deepEqual(ns("--pid", "container:web", "--ipc", "shareable"), {
    PidMode: "container:web",
    IpcMode: "shareable",
  });
  assert.deepEqual(ns("--uts", "host"), { UTSMode: "host" });
});
