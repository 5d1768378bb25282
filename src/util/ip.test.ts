import assert from "node:assert/strict";
import { test } from "node:test";
import { inCidr } from "./ip.ts";

test("inCidr compares the prefix bits of one family and refuses what does not parse", () => {
  assert.equal(inCidr("127.0.0.1", "127.0.0.0/8"), true);
  assert.equal(inCidr("128.0.0.1", "127.0.0.0/8"), false);
  assert.equal(inCidr("10.1.2.3", "10.1.2.3/32"), true);
  assert.equal(inCidr("10.1.2.4", "10.1.2.3/32"), false);
  assert.equal(inCidr("::1", "::1/128"), true);
  assert.equal(inCidr("2001:db8::5", "2001:db8::/32"), true);
  assert.equal(inCidr("2001:db9::5", "2001:db8::/32"), false);
  assert.equal(inCidr("127.0.0.1", "::1/128"), false);
  assert.equal(inCidr("1.2.3.4", "0.0.0.0/0"), true);
  assert.equal(inCidr("1.2.3.4", "1.2.3.0/x"), false);
  assert.equal(inCidr("nope", "1.2.3.0/24"), false);
});
