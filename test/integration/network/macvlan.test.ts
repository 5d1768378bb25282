/**
 * macvlan between two "test hosts": each host is a network namespace whose
 * eth1 is one end of a veth pair (the wire). The driver, pointed at a host
 * namespace, puts endpoints into further namespaces standing in for
 * containers, and those talk over the wire directly. No daemon is needed.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { execFile } from "../../../src/util/exec.ts";
import type { Endpoint, NetworkSpec } from "../../../src/network/driver.ts";
import { macvlanDriver } from "../../../src/network/drivers/macvlan.ts";
import { ipvlanDriver } from "../../../src/network/drivers/ipvlan.ts";
import { KernelProbe } from "../../../src/network/kernel.ts";

function skipReason(): string | undefined {
  if (process.getuid?.() !== 0) return "needs root (network namespaces)";
  if (!existsSync("/usr/bin/busybox")) return "needs /usr/bin/busybox for ping";
  return undefined;
}

const tag = randomBytes(3).toString("hex");
const ns = {
  hostA: `wt-ha-${tag}`,
  hostB: `wt-hb-${tag}`,
  c1: `wt-c1-${tag}`,
  c2: `wt-c2-${tag}`,
  c3: `wt-c3-${tag}`,
};
const path = (name: string): string => `/run/netns/${name}`;

async function sh(argv: string[]): Promise<string> {
  const r = await execFile(argv[0] ?? "", argv.slice(1));
  if (r.code !== 0) throw new Error(`${argv.join(" ")}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** Interface names in a namespace. */
async function links(netns: string): Promise<string[]> {
  const out = await sh(["ip", "-n", netns, "-j", "link", "show"]);
  return (JSON.parse(out) as { ifname: string }[]).map((l) => l.ifname).sort();
}

async function ping(from: string, to: string): Promise<boolean> {
  const r = await execFile("ip", [
    "netns",
    "exec",
    from,
    "busybox",
    "ping",
    "-c1",
    "-W2",
    to,
  ]);
  return r.code === 0;
}

const network = (
  options: Record<string, string>,
  driver = "macvlan",
): NetworkSpec => ({
  id: `${tag}0000000000000000000000000000000000000000000000000000000000`.slice(
    0,
    64,
  ),
  name: `wt-mv-${tag}`,
  driver,
  options,
  internal: false,
  subnets: [{ subnet: "192.168.77.0/24", gateway: "192.168.77.1" }],
});

function endpoint(netns: string, n: number): Endpoint {
  return {
    containerId: `${tag}${n}`.padEnd(64, "0"),
    netnsPath: path(netns),
    ifname: "eth0",
    addresses: [`192.168.77.${n}/24`],
    gateway: "192.168.77.1",
    mac: `02:42:c0:a8:4d:${n.toString(16).padStart(2, "0")}`,
  };
}

describe(
  "macvlan driver between two namespace hosts",
  { skip: skipReason() },
  () => {
    const kernel = new KernelProbe();
    const onA = macvlanDriver({ kernel, hostNetns: path(ns.hostA) });
    const onB = macvlanDriver({ kernel, hostNetns: path(ns.hostB) });
    const net = network({ parent: "eth1", macvlan_mode: "bridge" });
    const e1 = endpoint(ns.c1, 11);
    const e2 = endpoint(ns.c2, 12);
    const e3 = endpoint(ns.c3, 21);
    let hostALinks: string[] = [];

    before(async () => {
      for (const name of Object.values(ns))
        await sh(["ip", "netns", "add", name]);
      await sh([
        "ip",
        "-n",
        ns.hostA,
        "link",
        "add",
        "eth1",
        "type",
        "veth",
        "peer",
        "name",
        "eth1",
        "netns",
        ns.hostB,
      ]);
      for (const h of [ns.hostA, ns.hostB])
        await sh(["ip", "-n", h, "link", "set", "eth1", "up"]);
      hostALinks = await links(ns.hostA);
    });
    after(async () => {
      // Deleting the namespaces removes every link in them, whatever the test left.
      for (const name of Object.values(ns))
        await execFile("ip", ["netns", "del", name]);
    });

    test("containers on the two hosts and on the same host ping each other", async () => {
      await onA.createNetwork(net);
      await onB.createNetwork(net);
      await onA.join(net, e1);
      await onA.join(net, e1); // idempotent
      await onA.join(net, e2);
      await onB.join(net, e3);
      const info = JSON.parse(
        await sh(["ip", "-n", ns.c1, "-j", "addr", "show", "dev", "eth0"]),
      ) as {
        address: string;
        addr_info: { family: string; local: string }[];
      }[];
      assert.equal(info[0]?.address, e1.mac);
      assert.deepEqual(
        info[0]?.addr_info
          .filter((a) => a.family === "inet")
          .map((a) => a.local),
        ["192.168.77.11"],
      );
      assert.match(
        await sh(["ip", "-n", ns.c1, "route", "show", "default"]),
        /default via 192\.168\.77\.1 dev eth0/,
      );
      assert.equal(
        await ping(ns.c1, "192.168.77.21"),
        true,
        "c1 (host A) → c3 (host B)",
      );
      assert.equal(
        await ping(ns.c3, "192.168.77.12"),
        true,
        "c3 (host B) → c2 (host A)",
      );
      assert.equal(
        await ping(ns.c1, "192.168.77.12"),
        true,
        "c1 → c2 on host A",
      );
    });

    test("leave and deleteNetwork leave nothing behind", async () => {
      for (const [d, e] of [
        [onA, e1],
        [onA, e2],
        [onB, e3],
      ] as const) {
        await d.leave(net, e);
        await d.leave(net, e); // idempotent
      }
      await onA.deleteNetwork(net);
      await onB.deleteNetwork(net);
      for (const c of [ns.c1, ns.c2, ns.c3])
        assert.deepEqual(await links(c), ["lo"]);
      assert.deepEqual(await links(ns.hostA), hostALinks);
      assert.deepEqual(await links(ns.hostB), ["eth1", "lo"]);
      assert.equal(await ping(ns.c1, "192.168.77.21"), false);
    });

    test("a dotted parent without 8021q, and ipvlan without CONFIG_IPVLAN, fail clearly and leave nothing", async (t) => {
      if (await kernel.has("8021q"))
        t.diagnostic("this kernel has 8021q: the vlan case is skipped");
      else
        await assert.rejects(
          onA.createNetwork(network({ parent: "eth1.10" })),
          {
            name: "UnavailableError",
            message:
              /kernel module 8021q \(CONFIG_VLAN_8021Q\) is not available on this host/,
          },
        );
      const ipvlan = ipvlanDriver({ kernel, hostNetns: path(ns.hostA) });
      if (await kernel.has("ipvlan"))
        t.diagnostic("this kernel has ipvlan: the ipvlan case is skipped");
      else
        await assert.rejects(
          ipvlan.createNetwork(network({ parent: "eth1" }, "ipvlan")),
          {
            name: "UnavailableError",
            message:
              /cannot create ipvlan network wt-mv-\w+: kernel module ipvlan \(CONFIG_IPVLAN\) is not available/,
          },
        );
      assert.deepEqual(await links(ns.hostA), hostALinks);
    });
  },
);
