import { test } from "node:test";
import assert from "node:assert/strict";
import { parseFlags } from "../../flags.ts";
import {
  MOUNT_FLAGS,
  mountFields,
  parseMountFlag,
} from "./create-options-mounts.ts";

test("parseMountFlag() builds Docker's Mount for each type", () => {
  assert.deepEqual(
    parseMountFlag("type=bind,src=/h,dst=/c,readonly,bind-propagation=rslave"),
    {
      Type: "bind",
      Source: "/h",
      Target: "/c",
      ReadOnly: true,
      BindOptions: { Propagation: "rslave" },
    },
  );
  assert.deepEqual(
    parseMountFlag(
      "src=v,dst=/d,volume-nocopy,volume-driver=tp,volume-opt=a=b=c,volume-label=k=v",
    ),
    {
      Type: "volume",
      Source: "v",
      Target: "/d",
      VolumeOptions: {
        NoCopy: true,
        DriverConfig: { Name: "tp", Options: { a: "b=c" } },
        Labels: { k: "v" },
      },
    },
  );
  assert.deepEqual(
    parseMountFlag("type=tmpfs,dst=/t,tmpfs-size=64k,tmpfs-mode=1777"),
    {
      Type: "tmpfs",
      Target: "/t",
      TmpfsOptions: { SizeBytes: 65536, Mode: 0o1777 },
    },
  );
  assert.throws(() => parseMountFlag("type=bind,src=/h"), /target is required/);
  assert.throws(
    () => parseMountFlag("dst=/x,bogus=1"),
    /unexpected key 'bogus'/,
  );
});

test("mountFields() splits -v into Binds and Volumes and reads --tmpfs and --volumes-from", () => {
  const { flags } = parseFlags(MOUNT_FLAGS, [
    "-v",
    "/h:/c:ro",
    "-v",
    "/anon",
    "-v",
    "./rel:/r",
    "--tmpfs",
    "/t:size=64k",
    "--tmpfs",
    "/u",
    "--volumes-from",
    "other:ro",
    "--volume-driver",
    "tp",
  ]);
  const f = mountFields(flags);
  assert.deepEqual(f.Volumes, { "/anon": {} });
  assert.deepEqual(f.HostConfig.Binds, ["/h:/c:ro", `${process.cwd()}/rel:/r`]);
  assert.deepEqual(f.HostConfig.Tmpfs, { "/t": "size=64k", "/u": "" });
  assert.deepEqual(f.HostConfig.VolumesFrom, ["other:ro"]);
  assert.equal(f.HostConfig.VolumeDriver, "tp");
});
