/**
 * dockerd's flags for daemon.json keys on wharfd's command line: applied as
 * the keys are, and refused, in dockerd's words, when the same key is also
 * in daemon.json. (userns.test.ts runs its copy variant with --userns-remap.)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { skipReason, TestDaemon, wharfOnly } from "../harness.ts";

const wharfd = resolve(import.meta.dirname, "../../../dist/wharfd.cjs");

void test("a key given both as a flag and in daemon.json stops wharfd with dockerd's error", (t) => {
  const why = wharfOnly("starts dist/wharfd.cjs itself");
  if (why) return t.skip(why);
  const dir = mkdtempSync("/tmp/wharf-flags-");
  try {
    const file = join(dir, "daemon.json");
    writeFileSync(
      file,
      JSON.stringify({ labels: ["a=1"], "max-concurrent-downloads": 2 }),
    );
    const r = spawnSync(
      process.execPath,
      [
        wharfd,
        "--config-file",
        file,
        "--exec-root",
        join(dir, "run"),
        "--data-root",
        join(dir, "data"),
        "--label",
        "b=2",
        "--max-concurrent-downloads=4",
      ],
      { encoding: "utf8", timeout: 30_000 },
    );
    assert.equal(r.status, 1, r.stderr);
    assert.ok(
      r.stderr.includes(
        `unable to configure the wharf daemon with file ${file}: the following directives are specified both as a flag and in the configuration file: labels: (from flag: [b=2], from file: [a=1]), max-concurrent-downloads: (from flag: 4, from file: 2)`,
      ),
      r.stderr,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test("--label and --default-shm-size on the command line apply as their daemon.json keys (--max-concurrent-uploads is taken too)", async (t) => {
  const why = skipReason() ?? wharfOnly("dockerd's flags are its own");
  if (why) return t.skip(why);
  const d = new TestDaemon();
  t.after(() => d.stop());
  await d.start([
    "--label",
    "ops=flag",
    "--label=tier=2",
    "--max-concurrent-uploads",
    "7",
    "--default-shm-size=96m",
  ]);
  const labels = await d.ok(["info", "-f", "{{json .Labels}}"]);
  assert.deepEqual(JSON.parse(labels), ["ops=flag", "tier=2"]);
  await d.importBusybox();
  const shm = await d.ok([
    "run",
    "--rm",
    "--network",
    "none",
    "busybox",
    "sh",
    "-c",
    "df -k /dev/shm | tail -1",
  ]);
  assert.match(shm, /\s98304\s/);
});
