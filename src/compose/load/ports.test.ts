import { test } from "node:test";
import assert from "node:assert/strict";
import { parsePort } from "./ports.ts";

test("short port syntax becomes the long syntax", () => {
  assert.deepEqual(parsePort("80"), [
    { target: 80, protocol: "tcp", mode: "ingress" },
  ]);
  assert.deepEqual(parsePort("127.0.0.1:8080:80/udp"), [
    {
      target: 80,
      protocol: "udp",
      mode: "ingress",
      published: "8080",
      host_ip: "127.0.0.1",
    },
  ]);
  assert.deepEqual(parsePort("127.0.0.1::80"), [
    { target: 80, protocol: "tcp", mode: "ingress", host_ip: "127.0.0.1" },
  ]);
  assert.deepEqual(
    parsePort("8000-8001:80-81").map((p) => `${p.published}:${p.target}`),
    ["8000:80", "8001:81"],
  );
  assert.deepEqual(parsePort("[::1]:8080:80")[0]?.host_ip, "::1");
});

test("malformed ports are refused", () => {
  assert.throws(() => parsePort("a:80"), /invalid hostPort: a/);
  assert.throws(() => parsePort("80:x"), /invalid containerPort: x/);
});
