import { test } from "node:test";
import assert from "node:assert/strict";
import { renderTable } from "./firewall.ts";

const bridge = {
  bridge: "br0",
  subnets: ["172.30.0.0/24"],
  internal: false,
  icc: true,
  masquerade: true,
};

test("renderTable() masquerades a bridge's subnet leaving through other interfaces", () => {
  const t = renderTable("wharf", [bridge], []);
  assert.match(t, /ip saddr 172\.30\.0\.0\/24 oifname != "br0" masquerade/);
  assert.match(t, /oifname "br0" ip saddr 127\.0\.0\.0\/8 masquerade/);
  assert.doesNotMatch(t, /iifname \{/);
});

test("renderTable() isolates bridges from each other and cuts internal ones off", () => {
  const t = renderTable(
    "wharf",
    [
      bridge,
      {
        ...bridge,
        bridge: "br1",
        subnets: ["172.31.0.0/24"],
        internal: true,
        icc: false,
      },
    ],
    [],
  );
  assert.match(t, /iifname \{ "br0", "br1" \} oifname \{ "br0", "br1" \} drop/);
  assert.match(t, /iifname "br1" oifname "br1" drop/);
  assert.match(t, /iifname "br1" drop/);
  assert.doesNotMatch(t, /172\.31\.0\.0\/24 oifname != "br1" masquerade/);
});

test("renderTable() DNATs published ports, on one address or all", () => {
  const t = renderTable(
    "wharf",
    [bridge],
    [
      {
        proto: "tcp",
        hostIp: "",
        hostPort: 8080,
        containerIp: "172.30.0.2",
        containerPort: 80,
      },
      {
        proto: "udp",
        hostIp: "127.0.0.1",
        hostPort: 53,
        containerIp: "172.30.0.2",
        containerPort: 53,
      },
    ],
  );
  assert.match(
    t,
    /^ {4}meta l4proto tcp th dport 8080 dnat ip to 172\.30\.0\.2:80$/m,
  );
  assert.match(
    t,
    /ip daddr 127\.0\.0\.1 meta l4proto udp th dport 53 dnat ip to 172\.30\.0\.2:53/,
  );
  assert.match(t, /type nat hook output priority -100/);
});

test("renderTable() DNATs loopback in the kernel and, with the userland proxy, leaves bridge-sourced traffic to it", () => {
  const port = {
    proto: "tcp" as const,
    hostIp: "",
    hostPort: 8080,
    containerIp: "172.30.0.2",
    containerPort: 80,
  };
  const on = renderTable("wharf", [bridge], [port], { userlandProxy: true });
  assert.match(on, /^ {4}fib daddr type local jump ports$/m);
  assert.doesNotMatch(on, /daddr != 127/);
  assert.match(
    on,
    /^ {4}iifname "br0" return\n {4}fib daddr type local jump ports$/m,
  );
  assert.match(on, /oifname "br0" ip saddr 127\.0\.0\.0\/8 masquerade/);
  assert.match(on, /th dport 8080 dnat ip to 172\.30\.0\.2:80/);
  const off = renderTable("wharf", [bridge], [port]);
  assert.doesNotMatch(off, /return|daddr != 127/);
  assert.match(off, /^ {4}fib daddr type local jump ports$/m);
});

test("renderTable() drops packets for 127/8 that arrive from a bridge (route_localnet guard)", () => {
  const t = renderTable("wharf", [bridge], []);
  assert.match(t, /type filter hook prerouting priority raw; policy accept;/);
  assert.match(t, /^ {4}iifname "br0" ip daddr 127\.0\.0\.0\/8 drop$/m);
});
