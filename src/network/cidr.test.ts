import { test } from "node:test";
import assert from "node:assert/strict";
import {
  carve,
  formatIp,
  formatPrefix,
  macFromIpv4,
  overlaps,
  parseIp,
  parsePrefix,
} from "./cidr.ts";

test("parsePrefix() clears host bits and formats both families", () => {
  assert.equal(formatPrefix(parsePrefix("172.17.0.1/16")), "172.17.0.0/16");
  assert.equal(formatPrefix(parsePrefix("fd00:1::5/64")), "fd00:1::/64");
  assert.throws(() => parsePrefix("300.1.1.1/8"), /invalid CIDR address/);
  assert.throws(() => parsePrefix("10.0.0.0/33"), /invalid CIDR address/);
});

test("formatIp() compresses the longest zero run of an IPv6 address", () => {
  assert.equal(
    formatIp(6, parseIp("2001:db8:0:0:1:0:0:1")!.value),
    "2001:db8::1:0:0:1",
  );
  assert.equal(formatIp(6, parseIp("::ffff:1.2.3.4")!.value), "::ffff:102:304");
});

test("overlaps() compares on the shorter prefix", () => {
  assert.equal(
    overlaps(parsePrefix("172.17.0.0/16"), parsePrefix("172.17.5.0/24")),
    true,
  );
  assert.equal(
    overlaps(parsePrefix("172.17.0.0/16"), parsePrefix("172.18.0.0/16")),
    false,
  );
  assert.equal(
    overlaps(parsePrefix("10.0.0.0/8"), parsePrefix("fd00::/8")),
    false,
  );
});

test("macFromIpv4() gives Docker's 02:42 MAC", () => {
  assert.equal(macFromIpv4("172.17.0.2"), "02:42:ac:11:00:02");
});

test("carve() yields the pool's subnets in order", () => {
  const got = [...carve(parsePrefix("172.20.0.0/14"), 16)].map(formatPrefix);
  assert.deepEqual(got, [
    "172.20.0.0/16",
    "172.21.0.0/16",
    "172.22.0.0/16",
    "172.23.0.0/16",
  ]);
});
