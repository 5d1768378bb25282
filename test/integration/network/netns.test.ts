/**
 * Named namespaces made in-process (network/netns.ts) are real namespaces
 * that `ip` sees and uses, separate from the daemon's, and go away whole.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readlinkSync } from "node:fs";
import { addNetns, deleteNetns } from "../../../src/network/ip.ts";
import { execFile } from "../../../src/util/exec.ts";

const skip =
  process.getuid?.() !== 0 ? "needs root to create network namespaces" : false;

test(
  "addNetns makes a namespace ip can enter, the daemon stays in its own, deleteNetns removes it",
  { skip },
  async () => {
    const name = `wtest-${process.pid}-${Date.now() % 100000}`;
    const before = readlinkSync("/proc/thread-self/ns/net");
    try {
      // Twice: the first may let `ip` set /run/netns up; the second is in-process.
      await addNetns(name);
      await deleteNetns(name);
      const path = await addNetns(name);
      assert.equal(readlinkSync("/proc/thread-self/ns/net"), before);
      const links = await execFile("ip", ["-n", name, "-o", "link"]);
      assert.equal(links.code, 0, links.stderr);
      assert.deepEqual(
        links.stdout
          .trim()
          .split("\n")
          .map((l) => l.split(":")[1]?.trim()),
        ["lo"],
      );
      const inode = await execFile("stat", ["-L", "-c", "%i", path]);
      assert.notEqual(`net:[${inode.stdout.trim()}]`, before);
    } finally {
      await deleteNetns(name);
    }
    assert.equal(existsSync(`/run/netns/${name}`), false);
    const list = await execFile("ip", ["netns", "list"]);
    assert.doesNotMatch(list.stdout, new RegExp(name));
  },
);
