/**
 * The per-container files and names the network flags set, on the default
 * bridge, through the Docker CLI: --dns, --dns-search, --dns-option,
 * --add-host (with host-gateway), --mac-address, --hostname, --domainname.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { skipReason } from "../harness.ts";
import { NetDaemon } from "./net-daemon.ts";

describe(
  "network flags in the container's files",
  { skip: skipReason() },
  () => {
    const d = new NetDaemon();
    before(async () => {
      await d.start();
      await d.importBusybox();
    });
    after(() => d.cleanup());

    test("resolv.conf, hosts, hostname, domain name and MAC follow the flags", async () => {
      const out = await d.ok([
        "run",
        "--rm",
        "--dns",
        "10.11.12.13",
        "--dns-search",
        "example.test",
        "--dns-option",
        "ndots:2",
        "--add-host",
        "db.test:10.1.2.3",
        "--add-host",
        "gw.test:host-gateway",
        "--mac-address",
        "02:42:de:ad:be:ef",
        "--hostname",
        "box",
        "--domainname",
        "lab.test",
        "busybox",
        "sh",
        "-c",
        "cat /etc/resolv.conf; echo ---; cat /etc/hosts; echo ---; hostname; cat /proc/sys/kernel/domainname; cat /sys/class/net/eth0/address",
      ]);
      const [resolv = "", hosts = "", names = ""] = out.split("---\n");
      assert.match(resolv, /^nameserver 10\.11\.12\.13$/m);
      assert.match(resolv, /^search example\.test$/m);
      assert.match(resolv, /^options ndots:2$/m);
      assert.match(hosts, /^10\.1\.2\.3\s+db\.test$/m);
      const gateway = (
        await d.ok([
          "network",
          "inspect",
          "--format",
          "{{(index .IPAM.Config 0).Gateway}}",
          "bridge",
        ])
      ).trim();
      assert.match(
        hosts,
        new RegExp(`^${gateway.replaceAll(".", "\\.")}\\s+gw\\.test$`, "m"),
      );
      assert.match(hosts, /\sbox\.lab\.test\sbox$|\sbox\.lab\.test box$/m);
      assert.deepEqual(names.trim().split("\n"), [
        "box",
        "lab.test",
        "02:42:de:ad:be:ef",
      ]);
    });
  },
);

describe("daemon option icc: false", { skip: skipReason() }, () => {
  const d = new NetDaemon();
  before(async () => {
    d.config = { icc: false };
    await d.start();
    await d.importBusybox();
  });
  after(async () => {
    await d.docker(["rm", "-f", "icc1", "icc2"]);
    await d.cleanup();
  });

  test("blocks container-to-container traffic on the default bridge, not the host's", async () => {
    await d.ok(["run", "-d", "--name", "icc1", "busybox", "sleep", "300"]);
    await d.ok(["run", "-d", "--name", "icc2", "busybox", "sleep", "300"]);
    const ip1 = (
      await d.ok([
        "inspect",
        "--format",
        "{{.NetworkSettings.IPAddress}}",
        "icc1",
      ])
    ).trim();
    const other = await d.docker(["exec", "icc2", "ping", "-c1", "-W2", ip1]);
    assert.notEqual(other.code, 0, other.stdout);
    const gateway = (
      await d.ok([
        "inspect",
        "--format",
        "{{.NetworkSettings.Gateway}}",
        "icc2",
      ])
    ).trim();
    const host = await d.docker([
      "exec",
      "icc2",
      "ping",
      "-c1",
      "-W2",
      gateway,
    ]);
    assert.equal(host.code, 0, host.stdout + host.stderr);
  });
});
