import assert from "node:assert/strict";
import { appendFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { InvalidArgumentError } from "../util/errors.ts";
import { resolveRemap, type HostIdFiles } from "./userns-remap.ts";

/** A fake /etc: passwd, group, subuid, subgid; addUser appends like useradd -r -U. */
async function fakeEtc(
  o: { passwd?: string; group?: string; subuid?: string; subgid?: string } = {},
): Promise<{ files: HostIdFiles; added: string[]; done: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "wharf-etc-"));
  const added: string[] = [];
  const files: HostIdFiles = {
    passwd: join(dir, "passwd"),
    group: join(dir, "group"),
    subuid: join(dir, "subuid"),
    subgid: join(dir, "subgid"),
    addUser: async (name) => {
      added.push(name);
      await appendFile(files.passwd, `${name}:x:998:997::/:/bin/false\n`);
      await appendFile(files.group, `${name}:x:997:\n`);
    },
  };
  await writeFile(
    files.passwd,
    o.passwd ??
      "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/sh\n",
  );
  await writeFile(
    files.group,
    o.group ?? "root:x:0:\nalice:x:1000:\nstaff:x:50:\n",
  );
  if (o.subuid !== undefined) await writeFile(files.subuid, o.subuid);
  if (o.subgid !== undefined) await writeFile(files.subgid, o.subgid);
  return {
    files,
    added,
    done: () => rm(dir, { recursive: true, force: true }),
  };
}

test("resolveRemap('default') creates the wharf user and ranges after the highest existing one", async () => {
  const etc = await fakeEtc({
    subuid: "alice:100000:65536\nbob:300000:65536",
    subgid: "alice:100000:65536\n",
  });
  try {
    const r = await resolveRemap("default", etc.files);
    assert.deepEqual(etc.added, ["wharf"]);
    assert.equal(r?.user, "wharf");
    assert.equal(r?.group, "wharf");
    assert.deepEqual(r?.mappings, {
      uidMappings: [{ containerID: 0, hostID: 365536, size: 65536 }],
      gidMappings: [{ containerID: 0, hostID: 165536, size: 65536 }],
    });
    assert.equal(
      await readFile(etc.files.subuid, "utf8"),
      "alice:100000:65536\nbob:300000:65536\nwharf:365536:65536\n",
    );
    // A second start finds everything and adds nothing.
    const again = await resolveRemap("default", etc.files);
    assert.deepEqual(etc.added, ["wharf"]);
    assert.deepEqual(again, r);
    assert.equal(
      (await readFile(etc.files.subgid, "utf8")).match(/wharf/g)?.length,
      1,
    );
  } finally {
    await etc.done();
  }
});

test("resolveRemap('default') creates missing subuid/subgid files", async () => {
  const etc = await fakeEtc();
  try {
    const r = await resolveRemap("default", etc.files);
    assert.equal(r?.mappings.uidMappings[0]?.hostID, 100000);
    assert.equal(
      await readFile(etc.files.subgid, "utf8"),
      "wharf:100000:65536\n",
    );
  } finally {
    await etc.done();
  }
});

test("resolveRemap() takes a named user with all its ranges, by name or uid, and never writes", async () => {
  const subuid = "alice:200000:65536\n1000:400000:100\n";
  const etc = await fakeEtc({ subuid, subgid: "alice:200000:65536\n" });
  try {
    for (const spec of [
      "alice",
      "1000",
      "alice:staff",
      "1000:50",
      "alice:1000",
    ]) {
      const r = await resolveRemap(spec, etc.files);
      assert.equal(r?.user, "alice", spec);
      assert.deepEqual(r?.mappings.uidMappings, [
        { containerID: 0, hostID: 200000, size: 65536 },
        { containerID: 65536, hostID: 400000, size: 100 },
      ]);
    }
    assert.equal(
      (await resolveRemap("alice:staff", etc.files))?.group,
      "staff",
    );
    assert.deepEqual(etc.added, []);
    assert.equal(await readFile(etc.files.subuid, "utf8"), subuid);
  } finally {
    await etc.done();
  }
});

test("resolveRemap() refuses what dockerd refuses, with its texts", async () => {
  const etc = await fakeEtc({ subuid: "alice:200000:65536\n", subgid: "" });
  try {
    const cases: [string, string][] = [
      ["a:b:c", 'Invalid user/group specification in --userns-remap: "a:b:c"'],
      [
        "carol",
        'Error during uid lookup for "carol": getent unable to find entry "carol" in passwd database',
      ],
      [
        "4242",
        'Uid 4242 has no entry in /etc/passwd: getent unable to find entry "4242" in passwd database',
      ],
      [
        "alice:nogroup",
        'Error during groupname lookup for "nogroup": getent unable to find entry "nogroup" in group database',
      ],
      [
        "alice:4242",
        'Gid 4242 has no entry in /etc/passwd: getent unable to find entry "4242" in group database',
      ],
      [
        "alice",
        'error creating ID mappings: no subuid ranges found for user "alice"',
      ],
    ];
    for (const [spec, message] of cases)
      await assert.rejects(resolveRemap(spec, etc.files), (e: unknown) => {
        assert.ok(e instanceof InvalidArgumentError, spec);
        assert.equal(e.message, message);
        return true;
      });
    assert.deepEqual(etc.added, []);
  } finally {
    await etc.done();
  }
});

test("resolveRemap('root') turns remapping off, as dockerd", async () => {
  const etc = await fakeEtc();
  try {
    assert.equal(await resolveRemap("root", etc.files), undefined);
    assert.equal(await resolveRemap("0", etc.files), undefined);
  } finally {
    await etc.done();
  }
});

test("resolveRemap('default') reports a failing useradd with dockerd's text", async () => {
  const etc = await fakeEtc();
  try {
    etc.files.addUser = () => Promise.reject(new Error("useradd: boom"));
    await assert.rejects(
      resolveRemap("default", etc.files),
      /^InvalidArgumentError: Error during "wharf" user creation: error adding user "wharf": useradd: boom$/,
    );
  } finally {
    await etc.done();
  }
});
