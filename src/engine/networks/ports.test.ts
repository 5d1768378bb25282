import { test } from "node:test";
import assert from "node:assert/strict";
import { PortAllocator, portRequests } from "./ports.ts";

test("portRequests() reads PortBindings, ranges and -P's ExposedPorts", () => {
  const r = portRequests(
    {
      "80/tcp": [{ HostIp: "", HostPort: "8080" }],
      "53/udp": [{ HostIp: "127.0.0.1", HostPort: "5300-5302" }],
    },
    { exposed: { "80/tcp": {}, "443/tcp": {} }, publishAll: true },
  );
  assert.deepEqual(r, [
    { proto: "tcp", containerPort: 80, hostIp: "", hostPorts: [8080, 8080] },
    {
      proto: "udp",
      containerPort: 53,
      hostIp: "127.0.0.1",
      hostPorts: [5300, 5302],
    },
    { proto: "tcp", containerPort: 443, hostIp: "", hostPorts: undefined },
  ]);
});

test("portRequests() refuses SCTP on this kernel with a clear message", () => {
  assert.throws(
    () =>
      portRequests(
        { "80/sctp": [{ HostPort: "80" }] },
        { exposed: undefined, publishAll: false },
      ),
    /no SCTP support/,
  );
});

test("PortAllocator refuses a taken port with Docker's text and frees an owner's ports", async () => {
  const a = new PortAllocator([40000, 40010]);
  await a.allocate("c1", [
    { proto: "tcp", containerPort: 80, hostIp: "", hostPorts: [40005, 40005] },
  ]);
  await assert.rejects(
    a.allocate("c2", [
      {
        proto: "tcp",
        containerPort: 80,
        hostIp: "127.0.0.1",
        hostPorts: [40005, 40005],
      },
    ]),
    /Bind for 127\.0\.0\.1:40005 failed: port is already allocated/,
  );
  const udp = await a.allocate("c2", [
    { proto: "udp", containerPort: 80, hostIp: "", hostPorts: [40005, 40005] },
  ]);
  assert.equal(udp[0]?.hostPort, 40005);
  a.releaseAll("c1");
  const again = await a.allocate("c3", [
    { proto: "tcp", containerPort: 80, hostIp: "", hostPorts: [40005, 40005] },
  ]);
  assert.equal(again[0]?.hostPort, 40005);
});
