import { test } from "node:test";
import assert from "node:assert/strict";
import { Logger } from "../util/log.ts";
import { defaultConfig } from "./config.ts";
import { defaultExtraSettings, parseExtraKeys } from "./config-keys.ts";
import { clampDefaultUlimits, DaemonSettings } from "./settings.ts";

const quiet = new Logger("fatal");
const settings = (extra: Partial<typeof defaultExtraSettings>) =>
  new DaemonSettings(
    { ...defaultConfig, extra: { ...defaultExtraSettings, ...extra } },
    { builtin: { crun: "/usr/bin/crun", runc: "/usr/sbin/runc" }, log: quiet },
  );

test("applyCreateDefaults() fills only what the container leaves unset", () => {
  const s = settings({
    defaultShmSize: 1024,
    cgroupParent: "/ops",
    noNewPrivileges: true,
    defaultUlimits: { nproc: { Name: "nproc", Hard: 50, Soft: 40 } },
  });
  const hc = s.applyCreateDefaults({ Image: "busybox" }).HostConfig ?? {};
  assert.equal(hc.Runtime, "crun");
  assert.deepEqual(hc.LogConfig, { Type: "json-file", Config: {} });
  assert.equal(hc.ShmSize, 1024);
  assert.equal(hc.CgroupParent, "/ops");
  assert.deepEqual(hc.SecurityOpt, ["no-new-privileges=true"]);
  assert.deepEqual(hc.Ulimits, [{ Name: "nproc", Hard: 50, Soft: 40 }]);
  const own =
    s.applyCreateDefaults({
      Image: "busybox",
      HostConfig: {
        Runtime: "runc",
        ShmSize: 5,
        SecurityOpt: ["no-new-privileges=false"],
        Ulimits: [{ Name: "nproc", Hard: 9, Soft: 9 }],
      },
    }).HostConfig ?? {};
  assert.equal(own.Runtime, "runc");
  assert.equal(own.ShmSize, 5);
  assert.deepEqual(own.SecurityOpt, ["no-new-privileges=false"]);
  assert.deepEqual(own.Ulimits, [{ Name: "nproc", Hard: 9, Soft: 9 }]);
});

test("reload() takes the reloadable keys and says what changed", () => {
  const s = settings({ labels: ["a=1"], cgroupParent: "/x" });
  const changes = s.reload({
    ...defaultConfig,
    extra: {
      ...defaultExtraSettings,
      labels: ["a=2"],
      cgroupParent: "/y",
      maxConcurrentDownloads: 9,
    },
  });
  assert.deepEqual(changes, [
    'labels: ["a=1"] -> ["a=2"]',
    "max-concurrent-downloads: 3 -> 9",
  ]);
  assert.deepEqual(s.system().labels, ["a=2"]);
  // cgroup-parent is not reloaded, as in dockerd.
  assert.equal(s.config.extra.cgroupParent, "/x");
});

test("default ulimits above the daemon's hard limits are lowered", () => {
  const out = clampDefaultUlimits(
    [{ Name: "nofile", Hard: 1e9, Soft: 1e9 }],
    quiet,
    new Map([["RLIMIT_NOFILE", 20000]]),
  );
  assert.deepEqual(out, [{ Name: "nofile", Hard: 20000, Soft: 20000 }]);
});

test("parseExtraKeys() checks types and dockerd's rules", () => {
  assert.deepEqual(
    parseExtraKeys({ "default-shm-size": "64M", "live-restore": true }, "f"),
    { defaultShmSize: 64 * 1024 * 1024 },
  );
  assert.throws(
    () => parseExtraKeys({ "live-restore": false }, "f"),
    /false is not supported/,
  );
  assert.throws(
    () => parseExtraKeys({ runtimes: { crun: { path: "/x" } } }, "f"),
    /runtime name 'crun' is reserved/,
  );
  assert.throws(
    () =>
      parseExtraKeys(
        { runtimes: { k: { runtimeType: "io.containerd.kata.v2" } } },
        "f",
      ),
    /not implemented: runtimeType/,
  );
  assert.throws(
    () => parseExtraKeys({ "log-opts": { "max-size": "1m" } }, "f"),
    /not implemented: log-opts \(max-size\)/,
  );
  assert.throws(
    () => parseExtraKeys({ "registry-mirrors": ["ftp://x"] }, "f"),
    /invalid mirror/,
  );
  assert.throws(
    () =>
      parseExtraKeys(
        { "default-ulimits": { nofile: { Name: "nofile", Hard: 1, Soft: 2 } } },
        "f",
      ),
    /soft limit must be less/,
  );
});

test("system() lists name=userns after seccomp only when userns-remap is in effect", () => {
  assert.ok(!settings({}).system().securityOptions.includes("name=userns"));
  const remapped = new DaemonSettings(
    {
      ...defaultConfig,
      extra: { ...defaultExtraSettings, usernsRemap: "default" },
    },
    { builtin: { crun: "/usr/bin/crun" }, log: quiet, userns: true },
  );
  assert.deepEqual(remapped.system().securityOptions, [
    "name=seccomp,profile=builtin",
    "name=userns",
    "name=cgroupns",
  ]);
});

test("parseExtraKeys() takes userns-remap as a string", () => {
  assert.equal(
    parseExtraKeys({ "userns-remap": "default" }, "d.json").usernsRemap,
    "default",
  );
  assert.throws(
    () => parseExtraKeys({ "userns-remap": 5 }, "d.json"),
    /userns-remap/,
  );
});
