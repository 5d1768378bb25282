import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { execFile } from "../../../src/util/exec.ts";
import { skipReason } from "../harness.ts";
import { freeSubnet, httpd, NetDaemon, ncGet } from "./net-daemon.ts";

describe(
  "bridge networks through the Docker CLI",
  { skip: skipReason() },
  () => {
    const d = new NetDaemon();
    const netA = `wta${d.tag}`;
    const netB = `wtb${d.tag}n`;
    let subnet = "";
    let prefix = "";
    before(async () => {
      await d.start();
      await d.importBusybox();
      subnet = await freeSubnet();
      prefix = subnet.split(".").slice(0, 3).join(".");
    });
    after(() => d.cleanup());

    test("a user-defined bridge honours --subnet/--gateway/--ip, isolates, and network connect joins", async () => {
      await d.ok([
        "network",
        "create",
        "--subnet",
        subnet,
        "--gateway",
        `${prefix}.1`,
        netA,
      ]);
      await d.ok(["network", "create", netB]);
      const idA = (await d.ok(["network", "inspect", "-f", "{{.Id}}", netA]))
        .trim()
        .slice(0, 12);
      const macBefore = readFileSync(
        `/sys/class/net/br-${idA}/address`,
        "utf8",
      ).trim();
      await d.ok([
        "run",
        "-d",
        "--name",
        "a1",
        "--network",
        netA,
        "--ip",
        `${prefix}.10`,
        "busybox",
        "sleep",
        "300",
      ]);
      await d.ok([
        "run",
        "-d",
        "--name",
        "a2",
        "--network",
        netA,
        "busybox",
        "sleep",
        "300",
      ]);
      await d.ok([
        "run",
        "-d",
        "--name",
        "b1",
        "--network",
        netB,
        "busybox",
        "sleep",
        "300",
      ]);
      const ip = (
        await d.ok([
          "inspect",
          "-f",
          `{{(index .NetworkSettings.Networks "${netA}").IPAddress}}`,
          "a1",
        ])
      ).trim();
      assert.equal(ip, `${prefix}.10`);
      const a2ip = (
        await d.ok([
          "inspect",
          "-f",
          `{{(index .NetworkSettings.Networks "${netA}").IPAddress}}`,
          "a2",
        ])
      ).trim();
      assert.equal(
        (await d.docker(["exec", "a2", "ping", "-c1", "-W2", ip])).code,
        0,
        "a2 reaches a1",
      );
      assert.equal(
        (await d.docker(["exec", "a1", "ping", "-c1", "-W2", a2ip])).code,
        0,
        "a1 reaches a2",
      );
      assert.notEqual(
        (await d.docker(["exec", "b1", "ping", "-c1", "-W1", ip])).code,
        0,
        "b1 on another network must not reach a1",
      );
      await d.ok(["network", "connect", netA, "b1"]);
      assert.equal(
        (await d.docker(["exec", "b1", "ping", "-c1", "-W2", ip])).code,
        0,
        "after connect b1 reaches a1",
      );
      assert.match(
        await d.ok(["exec", "b1", "ip", "addr", "show", "eth1"]),
        new RegExp(`inet ${prefix}\\.`),
      );
      const inspect = JSON.parse(await d.ok(["network", "inspect", netA])) as [
        { Containers: Record<string, { Name: string; IPv4Address: string }> },
      ];
      const names = Object.values(inspect[0].Containers)
        .map((c) => c.Name)
        .sort();
      assert.deepEqual(names, ["a1", "a2", "b1"]);
      assert.match(
        await d.ok(["exec", "a1", "cat", "/etc/resolv.conf"]),
        new RegExp(`nameserver ${prefix}\\.1`),
      );
      // The bridge keeps the MAC it was made with while ports join (a
      // kernel-chosen one would follow the lowest port MAC and strand the
      // containers' ARP entries for the gateway).
      const sys = `/sys/class/net/br-${idA}`;
      assert.equal(readFileSync(`${sys}/addr_assign_type`, "utf8").trim(), "3");
      assert.equal(
        readFileSync(`${sys}/address`, "utf8").trim(),
        macBefore,
        "the bridge's MAC changed when containers joined",
      );
      const rm = await d.docker(["network", "rm", netA]);
      assert.notEqual(rm.code, 0);
      assert.match(rm.stderr, /has active endpoints/);
    });

    test("the default bridge refuses --ip with Docker's message", async () => {
      const r = await d.docker([
        "run",
        "--rm",
        "--ip",
        "172.17.0.99",
        "busybox",
        "true",
      ]);
      assert.notEqual(r.code, 0);
      assert.match(
        r.stderr,
        /user specified IP address is supported on user defined networks only/,
      );
    });

    test("--link gives the linked container's variables and hosts entry", async () => {
      await d.ok([
        "run",
        "-d",
        "--name",
        "web",
        "-p",
        "80",
        "busybox",
        ...httpd("linked"),
      ]);
      const webIp = (
        await d.ok(["inspect", "-f", "{{.NetworkSettings.IPAddress}}", "web"])
      ).trim();
      assert.match(webIp, /^\d+\.\d+\.\d+\.\d+$/);
      const out = await d.ok([
        "run",
        "--rm",
        "--name",
        "client",
        "--link",
        "web:db",
        "busybox",
        "sh",
        "-c",
        "env; cat /etc/hosts",
      ]);
      assert.match(out, /^DB_NAME=\/client\/db$/m);
      assert.match(
        out,
        new RegExp(
          `^DB_PORT_80_TCP=tcp://${webIp.replace(/\./g, "\\.")}:80$`,
          "m",
        ),
      );
      assert.match(
        out,
        new RegExp(`^DB_PORT_80_TCP_ADDR=${webIp.replace(/\./g, "\\.")}$`, "m"),
      );
      assert.match(
        out,
        new RegExp(`^${webIp.replace(/\./g, "\\.")}\\tdb .*web$`, "m"),
      );
    });

    test("--network container:web reaches web's server on localhost", async () => {
      const out = await d.ok([
        "run",
        "--rm",
        "--network",
        "container:web",
        "busybox",
        "sh",
        "-c",
        ncGet("127.0.0.1", 80),
      ]);
      assert.match(out, /linked/);
    });

    test("nothing remains after the containers and networks are removed", async () => {
      const ids = (await d.ok(["ps", "-aq"])).split("\n").filter(Boolean);
      const netIds = (
        await d.ok(["network", "inspect", "-f", "{{.Id}}", netA, netB])
      )
        .trim()
        .split("\n");
      const userBridges = netIds.map((id) => `br-${id.slice(0, 12)}`);
      for (const b of userBridges)
        assert.equal(await d.linkExists(b), true, `bridge ${b} exists before`);
      await d.ok(["rm", "-f", ...ids]);
      await d.ok(["network", "rm", netA, netB]);
      assert.deepEqual(await d.netns(), [], "no namespaces left");
      assert.deepEqual(
        await d.portsSettled([d.bridge]),
        [],
        "no veths on the default bridge",
      );
      for (const b of userBridges)
        assert.equal(await d.linkExists(b), false, `bridge ${b} removed`);
      assert.deepEqual(await d.dnatRules(), [], "no DNAT rules left");
    });

    test("a clean shutdown with nothing running removes the bridge and the nftables table", async () => {
      assert.equal(await d.linkExists(d.bridge), true);
      await d.halt();
      assert.equal(await d.linkExists(d.bridge), false);
      const r = await execFile("nft", ["list", "table", "inet", d.table]);
      assert.notEqual(r.code, 0, "table gone");
    });
  },
);

describe(
  "a default bridge left behind by an earlier daemon",
  { skip: skipReason() },
  () => {
    const d = new NetDaemon();
    after(() => d.cleanup());

    test("gets a usable MAC, not the all-zero one of a bridge without ports", async () => {
      // What kill -9 leaves once the last container's veth is gone: a
      // bridge whose last port left has the all-zero MAC.
      const port = `wtv${d.tag}`;
      for (const args of [
        ["link", "add", "name", d.bridge, "type", "bridge"],
        [
          "link",
          "add",
          "name",
          port,
          "type",
          "veth",
          "peer",
          "name",
          `${port}p`,
        ],
        ["link", "set", port, "master", d.bridge],
        ["link", "delete", port],
      ])
        assert.equal((await execFile("ip", args)).code, 0, args.join(" "));
      assert.equal(
        readFileSync(`/sys/class/net/${d.bridge}/address`, "utf8").trim(),
        "00:00:00:00:00:00",
      );
      await d.start();
      await d.importBusybox();
      const mac = readFileSync(
        `/sys/class/net/${d.bridge}/address`,
        "utf8",
      ).trim();
      assert.notEqual(mac, "00:00:00:00:00:00");
      const gw = (
        await d.ok([
          "network",
          "inspect",
          "-f",
          "{{(index .IPAM.Config 0).Gateway}}",
          "bridge",
        ])
      ).trim();
      const r = await d.docker([
        "run",
        "--rm",
        "busybox",
        "ping",
        "-c1",
        "-W2",
        gw,
      ]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
    });
  },
);
