/**
 * Embedded DNS on user-defined networks through the Docker CLI: names and
 * aliases (round robin), answers scoped to the asker's networks, and
 * everything else forwarded to the daemon's `dns` server, here a fake one
 * the test runs on a loopback address (nothing leaves the machine).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import dnsPacket from "dns-packet";
import { skipReason } from "../harness.ts";
import { freeSubnet, NetDaemon } from "./net-daemon.ts";

/** A loopback DNS server: outside.test → 10.9.9.9, NXDOMAIN otherwise; `seen` lists what it was asked. */
async function fakeUpstream(address: string, seen: string[]): Promise<Socket> {
  const sock = createSocket("udp4");
  sock.on("message", (msg, rinfo) => {
    const q = dnsPacket.decode(msg);
    seen.push(
      `${new Date().toISOString()} ${q.questions?.[0]?.name} ${q.questions?.[0]?.type} from ${rinfo.address}:${rinfo.port}`,
    );
    const name = q.questions?.[0]?.name ?? "";
    const known = name === "outside.test" && q.questions?.[0]?.type === "A";
    const reply = dnsPacket.encode({
      id: q.id,
      type: "response",
      flags: known ? 0 : 3, // rcode NXDOMAIN
      questions: q.questions,
      answers: known
        ? [{ type: "A", name, ttl: 60, class: "IN", data: "10.9.9.9" }]
        : [],
    });
    sock.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((ok) => sock.bind(53, address, ok));
  return sock;
}

describe("embedded DNS through the Docker CLI", { skip: skipReason() }, () => {
  const d = new NetDaemon();
  const upstreamIp = `127.53.${Math.floor(Math.random() * 200) + 1}.1`;
  const net1 = `wtd${d.tag}a`;
  const net2 = `wtd${d.tag}b`;
  let upstream: Socket | undefined;
  const seen: string[] = [];
  before(async () => {
    upstream = await fakeUpstream(upstreamIp, seen);
    d.config = { dns: [upstreamIp], "log-level": "debug" };
    await d.start();
    await d.importBusybox();
    await d.ok([
      "network",
      "create",
      "--subnet",
      await freeSubnet("172.26.0.0/24"),
      net1,
    ]);
    await d.ok([
      "network",
      "create",
      "--subnet",
      await freeSubnet("172.27.0.0/24"),
      net2,
    ]);
    for (const [name, net, alias] of [
      ["dns1", net1, "svc"],
      ["dns2", net1, "svc"],
      ["dns3", net2, "other"],
    ] as const)
      await d.ok([
        "run",
        "-d",
        "--name",
        name,
        "--network",
        net,
        "--network-alias",
        alias,
        "busybox",
        "sleep",
        "300",
      ]);
  });
  after(async () => {
    await d.docker(["rm", "-f", "dns1", "dns2", "dns3"]);
    await d.docker(["network", "rm", net1, net2]);
    await d.cleanup();
    upstream?.close();
  });

  const inCtr = (ctr: string, cmd: string) =>
    d.docker(["exec", ctr, "sh", "-c", cmd]);

  test("containers on one network ping each other by name", async () => {
    const r = await inCtr("dns1", "ping -c1 -W2 dns2");
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const ip2 = (
      await d.ok([
        "inspect",
        "--format",
        `{{(index .NetworkSettings.Networks "${net1}").IPAddress}}`,
        "dns2",
      ])
    ).trim();
    assert.match(
      r.stdout,
      new RegExp(`PING dns2 \\(${ip2.replaceAll(".", "\\.")}\\)`),
    );
  });

  test("a shared --network-alias answers with every container's address", async () => {
    const r = await inCtr("dns1", "nslookup -type=a svc");
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const addrs = [
      ...r.stdout.matchAll(/Address: (\d+\.\d+\.\d+\.\d+)$/gm),
    ].map((m) => m[1]);
    assert.equal(new Set(addrs).size, 2, r.stdout);
  });

  test("names are scoped to the asker's networks until network connect", async () => {
    const before = await inCtr("dns3", "ping -c1 -W2 dns1");
    assert.notEqual(before.code, 0, before.stdout);
    await d.ok(["network", "connect", net1, "dns3"]);
    const after = await inCtr("dns3", "ping -c1 -W2 dns1");
    assert.equal(after.code, 0, after.stdout + after.stderr);
  });

  test("other names go to the daemon's dns servers", async () => {
    // busybox nslookup gives up after 5 s; a loaded CI machine gets 3 tries.
    let r = await inCtr("dns1", "nslookup -type=a outside.test");
    for (let i = 0; i < 2 && r.code !== 0; i++)
      r = await inCtr("dns1", "nslookup -type=a outside.test");
    const dnsLog = d
      .log()
      .split("\n")
      .filter((l) => l.includes("dns"))
      .slice(-20);
    assert.equal(
      r.code,
      0,
      [
        r.stdout + r.stderr,
        `upstream ${upstreamIp} was asked:`,
        ...seen.slice(-10),
        "daemon's dns log:",
        ...dnsLog,
      ].join("\n"),
    );
    assert.match(r.stdout, /Address: 10\.9\.9\.9/);
    const miss = await inCtr("dns1", "nslookup -type=a nowhere.test");
    assert.notEqual(miss.code, 0);
  });
});
