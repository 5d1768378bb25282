import { test } from "node:test";
import assert from "node:assert/strict";
import { parseFlags } from "../../flags.ts";
import {
  RESOURCE_FLAGS,
  parseDevice,
  parseUlimit,
  resourceHostConfig,
} from "./create-options-resources.ts";

const hc = (...args: string[]) =>
  resourceHostConfig(parseFlags(RESOURCE_FLAGS, args).flags);

test("resource flags become the HostConfig fields the Docker CLI sends", () => {
  const out = hc(
    "--cpus",
    "0.5",
    "--memory-swap",
    "-1",
    "--pids-limit",
    "20",
    "--ulimit",
    "nofile=10:20",
    "--device",
    "/dev/null:/dev/n2:rw",
    "--device-read-bps",
    "/dev/sda:1mb",
    "--blkio-weight-device",
    "/dev/sda:200",
    "--sysctl",
    "net.ipv4.ip_forward=1",
    "--log-driver",
    "json-file",
    "--log-opt",
    "max-size=10k",
    "--runtime",
    "runc",
    "--storage-opt",
    "size=1G",
    "--gpus",
    "all",
  );
  assert.equal(out.NanoCpus, 500_000_000);
  assert.equal(out.MemorySwap, -1);
  assert.equal(out.MemorySwappiness, -1);
  assert.equal(out.PidsLimit, 20);
  assert.deepEqual(out.Ulimits, [{ Name: "nofile", Hard: 20, Soft: 10 }]);
  assert.deepEqual(out.Devices, [
    {
      PathOnHost: "/dev/null",
      PathInContainer: "/dev/n2",
      CgroupPermissions: "rw",
    },
  ]);
  assert.deepEqual(out.BlkioDeviceReadBps, [
    { Path: "/dev/sda", Rate: 1048576 },
  ]);
  assert.deepEqual(out.BlkioWeightDevice, [{ Path: "/dev/sda", Weight: 200 }]);
  assert.deepEqual(out.Sysctls, { "net.ipv4.ip_forward": "1" });
  assert.deepEqual(out.LogConfig, {
    Type: "json-file",
    Config: { "max-size": "10k" },
  });
  assert.equal(out.Runtime, "runc");
  assert.deepEqual(out.StorageOpt, { size: "1G" });
  assert.deepEqual(out.DeviceRequests, [
    {
      Driver: "",
      Count: -1,
      DeviceIDs: null,
      Capabilities: [["gpu"]],
      Options: {},
    },
  ]);
  assert.equal(hc().PidsLimit, undefined);
});

test("bad values fail as the Docker CLI fails them", () => {
  assert.throws(
    () => hc("--sysctl", "kernel.foo=1"),
    /sysctl 'kernel.foo=1' is not allowed/,
  );
  assert.throws(
    () => hc("--cpus", "abc"),
    /failed to parse abc as a rational number/,
  );
  assert.throws(
    () => hc("--memory-swappiness", "101"),
    /Valid memory swappiness range is 0-100/,
  );
  assert.throws(
    () => hc("--cpu-count", "2"),
    /only supported on a Docker daemon running on windows/,
  );
  assert.throws(
    () => hc("--log-driver", "none", "--log-opt", "a=b"),
    /invalid logging opts for driver none/,
  );
  assert.throws(() => parseUlimit("nofile"), /invalid ulimit argument: nofile/);
  assert.throws(
    () => parseUlimit("nofile=20:10"),
    /soft limit must be less than or equal to hard limit: 20 > 10/,
  );
  assert.throws(() => parseUlimit("bogus=1"), /invalid ulimit type: bogus/);
  assert.deepEqual(parseDevice("/dev/zero:rw"), {
    PathOnHost: "/dev/zero",
    PathInContainer: "/dev/zero",
    CgroupPermissions: "rw",
  });
  assert.throws(
    () => hc("--device-read-bps", "sda:1"),
    /bad format for device path/,
  );
});
