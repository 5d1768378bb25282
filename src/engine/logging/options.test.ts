import { test } from "node:test";
import assert from "node:assert/strict";
import {
  InvalidArgumentError,
  NotImplementedError,
} from "../../util/errors.ts";
import { goTime } from "./copier.ts";
import type { LogInfo } from "./driver.ts";
import { validateLogConfig } from "./drivers.ts";
import { jsonFileSettings } from "./json-file.ts";
import { localSettings } from "./local.ts";
import { extraAttributes, fromHumanSize, logTag } from "./options.ts";
import { parseSyslogAddress } from "./syslog.ts";
import { syslogFacility, syslogFormat } from "./syslog-format.ts";

const info: LogInfo = {
  id: "0123456789ab" + "c".repeat(52),
  name: "/web",
  imageId: "sha256:" + "d".repeat(64),
  imageName: "busybox:latest",
  entrypoint: "sh",
  args: ["-c", "true"],
  env: ["A=1", "B=2", "PATH=/bin"],
  labels: { team: "core", "com.x": "y" },
  dir: "/nonexistent",
  config: {},
  daemonName: "docker",
};

test("validateLogConfig() answers dockerd's texts at create", () => {
  const bad = (type: string, cfg: Record<string, string>, msg: string) =>
    assert.throws(
      () => validateLogConfig(type, cfg),
      (e: unknown) => e instanceof InvalidArgumentError && e.message === msg,
    );
  bad("json-file", { x: "1" }, "unknown log opt 'x' for json-file log driver");
  bad("local", { x: "1" }, "unknown log opt 'x' for log driver local");
  bad("syslog", { x: "1" }, "unknown log opt 'x' for syslog log driver");
  bad("journald", { x: "1" }, "unknown log opt 'x' for journald log driver");
  bad("syslog", { "syslog-address": "ftp://h" }, "unsupported scheme: 'ftp'");
  bad("syslog", { "syslog-facility": "nope" }, "invalid syslog facility");
  bad("bogus", {}, "logger: no log driver named 'bogus' is registered");
  bad(
    "json-file",
    { mode: "fast" },
    "logger: logging mode not supported: fast",
  );
  bad(
    "json-file",
    { "max-buffer-size": "1m" },
    "logger: max-buffer-size option is only supported with 'mode=non-blocking'",
  );
  assert.throws(() => validateLogConfig("fluentd", {}), NotImplementedError);
  validateLogConfig("none", { anything: "goes" });
  validateLogConfig("json-file", {
    "max-file": "100",
    mode: "non-blocking",
    "cache-disabled": "true",
  });
});

test("json-file and local settings: Go's parsing, moby's limits and defaults", () => {
  assert.equal(fromHumanSize("10k"), 10_000);
  assert.equal(fromHumanSize("1.5MB"), 1_500_000);
  assert.throws(() => fromHumanSize("ten"), /invalid size: 'ten'/);
  assert.deepEqual(jsonFileSettings({}), {
    maxSize: -1,
    maxFiles: 1,
    compress: false,
  });
  assert.throws(
    () => jsonFileSettings({ "max-file": "x" }),
    /strconv.Atoi: parsing "x": invalid syntax/,
  );
  assert.throws(
    () => jsonFileSettings({ "max-file": "0" }),
    /max-file cannot be less than 1/,
  );
  assert.throws(
    () => jsonFileSettings({ "max-size": "0" }),
    /max-size must be a positive number/,
  );
  assert.throws(
    () => jsonFileSettings({ compress: "true", "max-file": "2" }),
    /compress cannot be true when max-file is less than 2 or max-size is not set/,
  );
  assert.deepEqual(localSettings({}), {
    maxSize: 20 << 20,
    maxFiles: 5,
    compress: true,
  });
  assert.throws(
    () => localSettings({ "max-file": "1" }),
    /compression cannot be enabled when max file count is 1/,
  );
});

test("logTag() expands moby's template fields; attributes come from labels and env", () => {
  assert.equal(
    logTag(
      { ...info, config: { tag: "{{.Name}}/{{.ID}}/{{.ImageName}}" } },
      "",
    ),
    "web/0123456789ab/busybox:latest",
  );
  assert.equal(logTag(info, "{{.ID}}"), "0123456789ab");
  assert.equal(
    logTag({ ...info, config: { tag: "{{.ImageID}} {{.Command}}" } }, ""),
    "dddddddddddd sh -c true",
  );
  assert.throws(
    () => logTag({ ...info, config: { tag: "{{.Nope}}" } }, ""),
    /can't evaluate field Nope/,
  );
  assert.deepEqual(
    extraAttributes({
      ...info,
      config: { labels: "team,missing", "env-regex": "^[AB]$" },
    }),
    { team: "core", A: "1", B: "2" },
  );
});

test("syslog address, facility and formats follow moby and srslog", () => {
  assert.deepEqual(parseSyslogAddress("udp://127.0.0.1"), [
    "udp",
    "127.0.0.1:514",
  ]);
  assert.deepEqual(parseSyslogAddress("tcp://127.0.0.1:601"), [
    "tcp",
    "127.0.0.1:601",
  ]);
  assert.throws(
    () => parseSyslogAddress("unix:///nonexistent/sock"),
    /stat \/nonexistent\/sock: no such file or directory/,
  );
  assert.equal(syslogFacility(""), 24);
  assert.equal(syslogFacility("local7"), 23 << 3);
  assert.equal(syslogFacility("5"), 40);
  const f = syslogFormat("rfc5424", "tcp");
  const msg = f.frame(f.format(30, "h", "t", "hi\n"));
  assert.match(msg, /^\d+ <30>1 \S+ h t \d+ t - hi\n$/);
  assert.equal(
    Number(msg.split(" ")[0]),
    Buffer.byteLength(msg) - msg.indexOf(" ") - 1,
  );
  assert.match(
    syslogFormat("", "udp").format(27, "h", "t", "x\n"),
    /^<27>\w{3} [ \d]\d \d\d:\d\d:\d\d t\[\d+\]: x\n$/,
  );
  assert.throws(() => syslogFormat("rfc9999", ""), /Invalid syslog format/);
});

test("goTime() turns conmon's times into Go's RFC3339Nano in UTC", () => {
  assert.equal(
    goTime("2026-01-01T00:00:00.123450000+00:00"),
    "2026-01-01T00:00:00.12345Z",
  );
  assert.equal(
    goTime("2026-01-01T00:00:00.000000000Z"),
    "2026-01-01T00:00:00Z",
  );
  assert.equal(goTime("2026-01-01T02:00:00.5+02:00"), "2026-01-01T00:00:00.5Z");
});
