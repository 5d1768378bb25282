import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, parseArgs, parseConfigFile } from "./config.ts";

test("parseArgs() takes dockerd's flag names in both spellings", () => {
  const r = parseArgs([
    "-H",
    "unix:///tmp/a.sock",
    "--host=tcp://127.0.0.1:2375",
    "--data-root",
    "/d",
    "-p",
    "/p.pid",
    "-G",
    "g",
    "--log-level=debug",
  ]);
  assert.deepEqual(r, {
    action: "run",
    flags: {
      hosts: ["unix:///tmp/a.sock", "tcp://127.0.0.1:2375"],
      dataRoot: "/d",
      pidfile: "/p.pid",
      group: "g",
      logLevel: "debug",
    },
  });
});

test("parseArgs() refuses unknown flags", () => {
  assert.throws(() => parseArgs(["--nope"]), /unknown flag: --nope/);
});

test("parseConfigFile() names unknown keys as dockerd does", () => {
  assert.throws(
    () =>
      parseConfigFile('{"data-root":"/x","bogus":1}', "/etc/wharf/daemon.json"),
    /don't match any configuration option: bogus/,
  );
});

test("loadConfig() lets flags override the file and derives socket and pidfile from the exec root", async () => {
  const dir = await mkdtemp(join(tmpdir(), "wharf-config-"));
  try {
    const file = join(dir, "daemon.json");
    await writeFile(
      file,
      JSON.stringify({
        "data-root": "/from-file",
        "exec-root": "/run/x",
        "log-level": "warn",
      }),
    );
    const c = await loadConfig({ configFile: file, dataRoot: "/from-flag" });
    assert.equal(c.dataRoot, "/from-flag");
    assert.equal(c.logLevel, "warn");
    assert.deepEqual(c.hosts, ["unix:///run/x/wharf.sock"]);
    assert.equal(c.pidfile, "/run/x/wharfd.pid");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("loadConfig() fails when an explicitly named config file is missing", async () => {
  await assert.rejects(
    loadConfig({ configFile: "/nonexistent/daemon.json" }),
    /unable to read configuration file/,
  );
});
