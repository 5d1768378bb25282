import { test } from "node:test";
import assert from "node:assert/strict";
import type { HostConfig } from "../../api/containers.ts";
import {
  explicitMounts,
  parseBind,
  parseMountSpec,
  parseTmpfs,
  parseVolumesFrom,
} from "./mount-specs.ts";

test("parseBind() reads host binds with modes and propagation", () => {
  assert.deepEqual(parseBind("/h:/c:ro,z,rslave", undefined), {
    type: "bind",
    source: "/h",
    destination: "/c",
    rw: false,
    mode: "ro,z,rslave",
    propagation: "rslave",
    createSource: true,
    recursive: true,
  });
});

test("parseBind() makes named volumes with mode z and anonymous ones without", () => {
  const named = parseBind("data:/d", "tp");
  assert.equal(named.type, "volume");
  if (named.type !== "volume") return;
  assert.equal(named.name, "data");
  assert.equal(named.mode, "z");
  assert.equal(named.driver, "tp");
  assert.equal(named.copy, true);
  const nocopy = parseBind("data:/d:nocopy", undefined);
  assert.equal(nocopy.type === "volume" && nocopy.copy, false);
  const anon = parseBind("/d", undefined);
  assert.equal(anon.type === "volume" && anon.name, undefined);
});

test("parseBind() refuses bad specs with Docker's wording", () => {
  assert.throws(() => parseBind("/a:/b:c:d", undefined), {
    message: "invalid volume specification: '/a:/b:c:d'",
  });
  assert.throws(() => parseBind("/a:/b:bogus", undefined), {
    message: "invalid volume specification: '/a:/b:bogus': invalid mode: bogus",
  });
  assert.throws(() => parseBind("v:rel", undefined), {
    message:
      "invalid volume specification: 'v:rel': invalid mount config for type \"volume\": invalid mount path: 'rel' mount path must be absolute",
  });
  assert.throws(() => parseBind("/h:/", undefined), {
    message: "invalid specification: destination can't be '/'",
  });
});

test("parseMountSpec() validates each type as Docker does", () => {
  assert.throws(
    () => parseMountSpec({ Type: "bind", Target: "/x" }, undefined),
    {
      message:
        'invalid mount config for type "bind": field Source must not be empty',
    },
  );
  assert.throws(
    () =>
      parseMountSpec({ Type: "bind", Source: "rel", Target: "/x" }, undefined),
    /invalid mount path: 'rel' mount path must be absolute/,
  );
  assert.throws(
    () =>
      parseMountSpec({ Type: "tmpfs", Source: "x", Target: "/t" }, undefined),
    /field Source must not be specified/,
  );
  assert.throws(
    () => parseMountSpec({ Type: "weird", Target: "/t" }, undefined),
    {
      message: 'invalid mount config for type "weird": mount type unknown',
    },
  );
  const t = parseMountSpec(
    {
      Type: "tmpfs",
      Target: "/t",
      TmpfsOptions: { SizeBytes: 65536, Mode: 0o1777 },
    },
    undefined,
  );
  assert.deepEqual(t.type === "tmpfs" && t.options, [
    "nosuid",
    "nodev",
    "noexec",
    "size=65536",
    "mode=1777",
  ]);
  const v = parseMountSpec(
    {
      Type: "volume",
      Source: "v1",
      Target: "/v",
      VolumeOptions: {
        NoCopy: true,
        DriverConfig: { Name: "tp", Options: { a: "b" } },
      },
    },
    undefined,
  );
  assert.equal(v.type === "volume" && v.driver, "tp");
  assert.equal(v.type === "volume" && v.copy, false);
});

test("parseTmpfs() keeps the user's options after Docker's defaults", () => {
  const t = parseTmpfs("/t", "size=64k,mode=1777");
  assert.deepEqual(t.type === "tmpfs" && t.options, [
    "nosuid",
    "nodev",
    "noexec",
    "size=64k",
    "mode=1777",
  ]);
});

test("explicitMounts() refuses a destination used twice", () => {
  const hc = {
    Binds: ["/a:/d"],
    Tmpfs: { "/d": "" },
  } as unknown as HostConfig;
  assert.throws(() => explicitMounts(hc), {
    message: "Duplicate mount point: /d",
  });
});

test("parseVolumesFrom() reads ro and rw", () => {
  assert.deepEqual(parseVolumesFrom("c1"), { ref: "c1", rw: undefined });
  assert.deepEqual(parseVolumesFrom("c1:ro"), { ref: "c1", rw: false });
  assert.deepEqual(parseVolumesFrom("c1:rw"), { ref: "c1", rw: true });
  assert.throws(() => parseVolumesFrom("c1:xx"), /invalid mode/);
});
