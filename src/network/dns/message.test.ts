import { test } from "node:test";
import assert from "node:assert/strict";
import { reverseAddress } from "./message.ts";
import { parseNameservers } from "./resolv-conf.ts";
import { parseUpstream } from "./forward.ts";

test("reverse names map back to addresses; partial names do not", () => {
  assert.equal(reverseAddress("10.0.25.172.in-addr.arpa"), "172.25.0.10");
  assert.equal(reverseAddress("10.0.25.172.IN-ADDR.ARPA."), "172.25.0.10");
  assert.equal(reverseAddress("0.25.172.in-addr.arpa"), undefined);
  const v6 =
    "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa";
  assert.equal(reverseAddress(v6), "fd00::1");
});

test("resolv.conf nameservers are read in order, comments and junk skipped", () => {
  const text = [
    "# generated",
    "search example.com",
    "nameserver 10.0.0.2",
    "nameserver   fe80::1%eth0 ; link-local",
    "nameserver not-an-ip",
    "options ndots:2",
    "nameserver 1.1.1.1 # trailing",
  ].join("\n");
  assert.deepEqual(parseNameservers(text), [
    "10.0.0.2",
    "fe80::1%eth0",
    "1.1.1.1",
  ]);
});

test("upstreams parse as ip, ip:port and [v6]:port", () => {
  assert.deepEqual(parseUpstream("10.0.0.2"), { host: "10.0.0.2", port: 53 });
  assert.deepEqual(parseUpstream("127.0.0.1:5353"), {
    host: "127.0.0.1",
    port: 5353,
  });
  assert.deepEqual(parseUpstream("fd00::1"), { host: "fd00::1", port: 53 });
  assert.deepEqual(parseUpstream("[fd00::1]:54"), {
    host: "fd00::1",
    port: 54,
  });
  assert.equal(parseUpstream("host:53"), undefined);
  assert.equal(parseUpstream("10.0.0.2:0"), undefined);
});
