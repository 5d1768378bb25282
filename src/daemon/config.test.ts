import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, parseArgs, parseConfigFile } from "./config.ts";

/** Writes keys as daemon.json in a temp dir removed after the test; returns its path. */
async function daemonJson(
  t: TestContext,
  keys: Record<string, unknown>,
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "wharf-config-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, "daemon.json");
  await writeFile(file, JSON.stringify(keys));
  return file;
}

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
      keys: {
        hosts: ["unix:///tmp/a.sock", "tcp://127.0.0.1:2375"],
        "data-root": "/d",
        pidfile: "/p.pid",
        group: "g",
        "log-level": "debug",
      },
    },
  });
});

test("parseArgs() takes dockerd's flags for daemon.json keys: lists and maps accumulate, booleans take =false", () => {
  const r = parseArgs([
    "--userns-remap",
    "default",
    "--label=a=1",
    "--label",
    "b=2",
    "--log-opt",
    "max-size=10m",
    "--log-opt=max-file=3",
    "--iptables=false",
    "--live-restore",
    "--max-concurrent-downloads",
    "4",
    "-b",
    "none",
  ]);
  assert.equal(r.action, "run");
  if (r.action === "run")
    assert.deepEqual(r.flags.keys, {
      "userns-remap": "default",
      labels: ["a=1", "b=2"],
      "log-opts": { "max-size": "10m", "max-file": "3" },
      iptables: false,
      "live-restore": true,
      "max-concurrent-downloads": 4,
      bridge: "none",
    });
  assert.throws(
    () => parseArgs(["--max-concurrent-uploads", "x"]),
    /invalid argument "x" for "--max-concurrent-uploads" flag: strconv.ParseInt: parsing "x": invalid syntax/,
  );
  assert.throws(
    () => parseArgs(["--icc=maybe"]),
    /strconv.ParseBool: parsing "maybe": invalid syntax/,
  );
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

test("loadConfig() refuses a key given both as a flag and in the file, in dockerd's words, and applies key flags", async (t) => {
  const file = await daemonJson(t, {
    "data-root": "/from-file",
    labels: ["x=1"],
    "userns-remap": "",
  });
  const both = parseArgs(["--data-root", "/from-flag", "--label", "y=2"]);
  assert.equal(both.action, "run");
  if (both.action !== "run") return;
  await assert.rejects(
    loadConfig({ ...both.flags, configFile: file }),
    new RegExp(
      `unable to configure the wharf daemon with file ${file}: the following directives are specified both as a flag and in the configuration file: data-root: \\(from flag: /from-flag, from file: /from-file\\), labels: \\(from flag: \\[y=2\\], from file: \\[x=1\\]\\)`,
    ),
  );
  await writeFile(file, JSON.stringify({ "data-root": "/from-file" }));
  const keyFlags = parseArgs(["--label", "y=2", "--default-shm-size=128m"]);
  if (keyFlags.action !== "run") return;
  const c = await loadConfig({ ...keyFlags.flags, configFile: file });
  assert.deepEqual(c.extra.labels, ["y=2"]);
  assert.equal(c.extra.defaultShmSize, 128 * 1024 * 1024);
  assert.equal(c.dataRoot, "/from-file");
});

test("loadConfig() lays typed flags over the file's other keys and derives socket and pidfile from the exec root", async (t) => {
  const file = await daemonJson(t, {
    "exec-root": "/run/x",
    "log-level": "warn",
  });
  const c = await loadConfig({ configFile: file, dataRoot: "/from-flag" });
  assert.equal(c.dataRoot, "/from-flag");
  assert.equal(c.logLevel, "warn");
  assert.deepEqual(c.hosts, ["unix:///run/x/wharf.sock"]);
  assert.equal(c.pidfile, "/run/x/wharfd.pid");
});

test("loadConfig() fails when an explicitly named config file is missing", async () => {
  await assert.rejects(
    loadConfig({ configFile: "/nonexistent/daemon.json" }),
    /unable to read configuration file/,
  );
});
