/**
 * macvlan through the Docker CLI between two "hosts": wharfd on this host
 * with parent interface A, and a second wharfd running inside a test network
 * namespace with parent interface B, A and B joined by a veth "wire".
 * Containers on the two hosts talk directly over the wire. Also ipvlan's
 * clear error on this kernel, and nothing left behind.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { execFile } from "../../../src/util/exec.ts";
import { skipReason } from "../harness.ts";
import { freeSubnet, NetDaemon } from "./net-daemon.ts";

const tag = randomBytes(3).toString("hex");
const hostB = `wtmh${tag}`;
const wireA = `wtmA${tag}`;
const wireB = `wtmB${tag}`;

async function sh(cmd: string[]): Promise<void> {
  const r = await execFile(cmd[0]!, cmd.slice(1));
  if (r.code !== 0) throw new Error(`${cmd.join(" ")}: ${r.stderr}`);
}

describe(
  "macvlan between two hosts through the Docker CLI",
  { skip: skipReason() },
  () => {
    const a = new NetDaemon();
    // nsenter, not `ip netns exec`: that one remounts /sys and hides the cgroups.
    const b = new NetDaemon({
      wrap: ["nsenter", `--net=/run/netns/${hostB}`, "--"],
    });
    let prefix = "";
    before(async () => {
      await sh(["ip", "netns", "add", hostB]);
      await sh([
        "ip",
        "link",
        "add",
        wireA,
        "type",
        "veth",
        "peer",
        "name",
        wireB,
        "netns",
        hostB,
      ]);
      await sh(["ip", "link", "set", wireA, "up"]);
      await sh(["ip", "-n", hostB, "link", "set", wireB, "up"]);
      await sh(["ip", "-n", hostB, "link", "set", "lo", "up"]);
      prefix = (await freeSubnet("10.250.0.0/24"))
        .split(".")
        .slice(0, 3)
        .join(".");
      await a.start();
      await b.start();
      await a.importBusybox();
      await b.importBusybox();
    });
    after(async () => {
      try {
        await a.docker(["rm", "-f", "mva"]);
        await b.docker(["rm", "-f", "mvb"]);
        await a.docker(["network", "rm", "mvnet"]);
        await b.docker(["network", "rm", "mvnet"]);
      } finally {
        await a.cleanup();
        await b.cleanup();
        await execFile("ip", ["link", "delete", wireA]);
        await execFile("ip", ["netns", "delete", hostB]);
      }
    });

    test("containers on macvlan networks of two hosts reach each other directly", async () => {
      for (const [d, parent] of [
        [a, wireA],
        [b, wireB],
      ] as const)
        await d.ok([
          "network",
          "create",
          "-d",
          "macvlan",
          "-o",
          `parent=${parent}`,
          "-o",
          "macvlan_mode=bridge",
          "--subnet",
          `${prefix}.0/24`,
          "--gateway",
          `${prefix}.1`,
          "mvnet",
        ]);
      await a.ok([
        "run",
        "-d",
        "--name",
        "mva",
        "--network",
        "mvnet",
        "--ip",
        `${prefix}.10`,
        "busybox",
        "sleep",
        "300",
      ]);
      await b.ok([
        "run",
        "-d",
        "--name",
        "mvb",
        "--network",
        "mvnet",
        "--ip",
        `${prefix}.20`,
        "busybox",
        "sleep",
        "300",
      ]);
      const ab = await a.docker([
        "exec",
        "mva",
        "ping",
        "-c1",
        "-W3",
        `${prefix}.20`,
      ]);
      assert.equal(ab.code, 0, ab.stdout + ab.stderr);
      const ba = await b.docker([
        "exec",
        "mvb",
        "ping",
        "-c1",
        "-W3",
        `${prefix}.10`,
      ]);
      assert.equal(ba.code, 0, ba.stdout + ba.stderr);
      const inspect = await a.ok([
        "network",
        "inspect",
        "--format",
        '{{.Driver}} {{index .Options "parent"}}',
        "mvnet",
      ]);
      assert.equal(inspect.trim(), `macvlan ${wireA}`);
    });

    test("removing the containers and networks leaves no macvlan links or namespaces", async () => {
      await a.ok(["rm", "-f", "mva"]);
      await b.ok(["rm", "-f", "mvb"]);
      await a.ok(["network", "rm", "mvnet"]);
      await b.ok(["network", "rm", "mvnet"]);
      const links = await execFile("ip", [
        "-o",
        "link",
        "show",
        "type",
        "macvlan",
      ]);
      assert.doesNotMatch(links.stdout, new RegExp(tag));
      assert.deepEqual(await a.netns(), []);
      assert.deepEqual(await b.netns(), []);
    });

    test("ipvlan on this kernel is refused with the missing feature named, and leaves nothing", async () => {
      const kernel = await execFile("sh", [
        "-c",
        "zcat /proc/config.gz 2>/dev/null | grep -c '^CONFIG_IPVLAN=' || true",
      ]);
      if (kernel.stdout.trim() !== "0") return; // the kernel has ipvlan: nothing to refuse
      const r = await a.docker([
        "network",
        "create",
        "-d",
        "ipvlan",
        "-o",
        `parent=${wireA}`,
        "ipv",
      ]);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /ipvlan.*CONFIG_IPVLAN/);
      const ls = await a.ok(["network", "ls", "--format", "{{.Name}}"]);
      assert.doesNotMatch(ls, /^ipv$/m);
    });
  },
);
