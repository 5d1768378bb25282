import { test } from "node:test";
import assert from "node:assert/strict";
import { parsePrefix, formatPrefix } from "../../network/cidr.ts";
import { IpPool, pickSubnet } from "./ipam.ts";
import { DEFAULT_POOLS } from "./config.ts";

test("IpPool hands out the lowest free address, skipping the gateway, and reuses released ones", () => {
  const p = new IpPool("172.25.0.0/24", { gateway: "172.25.0.1" });
  assert.equal(p.allocate("n"), "172.25.0.2");
  assert.equal(p.allocate("n"), "172.25.0.3");
  p.release("172.25.0.2");
  assert.equal(p.allocate("n"), "172.25.0.2");
});

test("IpPool.reserve() refuses taken addresses and addresses outside the subnet", () => {
  const p = new IpPool("172.25.0.0/24", { gateway: "172.25.0.1" });
  p.reserve("172.25.0.10");
  assert.throws(() => p.reserve("172.25.0.10"), /Address already in use/);
  assert.throws(() => p.reserve("172.26.0.10"), /no configured subnet/);
  assert.throws(() => p.reserve("172.25.0.1"), /Address already in use/);
});

test("IpPool allocates from the ip-range only and says when it is full", () => {
  const p = new IpPool("10.9.0.0/24", {
    gateway: "10.9.0.1",
    range: "10.9.0.128/31",
  });
  assert.equal(p.allocate("n"), "10.9.0.128");
  assert.equal(p.allocate("n"), "10.9.0.129");
  assert.throws(
    () => p.allocate("n (abc)"),
    /no available IPv4 addresses on this network's address pools: n \(abc\)/,
  );
});

test("pickSubnet() skips subnets overlapping routes (docker0's 172.17.0.0/16)", () => {
  const p = pickSubnet(DEFAULT_POOLS, [
    parsePrefix("172.17.0.0/16"),
    parsePrefix("172.18.5.0/24"),
  ]);
  assert.equal(formatPrefix(p), "172.19.0.0/16");
  assert.throws(
    () =>
      pickSubnet(
        [{ base: "10.0.0.0/24", size: 24 }],
        [parsePrefix("10.0.0.0/8")],
      ),
    /fully subnetted/,
  );
});
