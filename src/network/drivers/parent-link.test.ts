import { test } from "node:test";
import assert from "node:assert/strict";
import { UnavailableError } from "../../util/errors.ts";
import type { Endpoint, NetworkSpec } from "../driver.ts";
import type { KernelFeature } from "../kernel.ts";
import { ipIn } from "./link-commands.ts";
import { ipvlanDriver } from "./ipvlan.ts";
import { macvlanDriver } from "./macvlan.ts";
import type { CommandRunner } from "./parent-link.ts";

/** A fake `ip`: host links by name (with their ifalias), a record of every call. */
function fakeIp(links: Record<string, string>) {
  const calls: string[] = [];
  const run: CommandRunner = (argv, input) => {
    calls.push(argv.join(" ") + (input ? `\n${input}` : ""));
    const show = argv.indexOf("show");
    if (show >= 0) {
      const name = argv[show + 2] ?? "";
      const ok = argv.includes("-j") && name in links;
      const stdout = ok
        ? JSON.stringify([{ ifname: name, ifalias: links[name] }])
        : "";
      return Promise.resolve({
        code: ok ? 0 : 1,
        stdout,
        stderr: ok ? "" : "Device does not exist",
      });
    }
    for (const line of (input ?? "").split("\n")) {
      const m = /^link add link \S+ name (\S+)|^link add (\S+) type dummy/.exec(
        line,
      );
      const name = m?.[1] ?? m?.[2];
      if (name) links[name] = "";
      const alias = /^link set dev (\S+) alias (\S+)/.exec(line);
      if (alias?.[1]) links[alias[1]] = alias[2] ?? "";
      const del = /^link del dev (\S+)/.exec(line);
      if (del?.[1]) delete links[del[1]];
    }
    return Promise.resolve({ code: 0, stdout: "", stderr: "" });
  };
  return { calls, run, links };
}

function kernel(present: KernelFeature[]) {
  return {
    require: (f: KernelFeature, what: string): Promise<void> =>
      present.includes(f)
        ? Promise.resolve()
        : Promise.reject(
            new UnavailableError(`${what}: kernel module ${f} missing`),
          ),
  };
}

const net = (
  options: Record<string, string>,
  internal = false,
): NetworkSpec => ({
  id: "0123456789abcdef0123456789abcdef",
  name: "n1",
  driver: "macvlan",
  options,
  internal,
  subnets: [{ subnet: "192.168.50.0/24", gateway: "192.168.50.1" }],
});
const ep: Endpoint = {
  containerId: "c0ffee00112233445566",
  netnsPath: "/run/netns/wharf-c0ffee",
  ifname: "eth1",
  addresses: ["192.168.50.10/24", "fd00:50::10/64"],
  gateway: "192.168.50.1",
  mac: "02:42:c0:a8:32:0a",
};

test("ip runs in a namespace by name under /run/netns, else through nsenter", () => {
  assert.deepEqual(ipIn(undefined), ["ip"]);
  assert.deepEqual(ipIn("/var/run/netns/x"), ["ip", "-n", "x"]);
  assert.deepEqual(ipIn("/proc/42/ns/net"), [
    "nsenter",
    "--net=/proc/42/ns/net",
    "ip",
  ]);
});

test("macvlan join issues the host-side and container-side batches", async () => {
  const ip = fakeIp({ eth0: "" });
  const d = macvlanDriver({ kernel: kernel(["macvlan"]), run: ip.run });
  await d.createNetwork(net({ parent: "eth0", macvlan_mode: "private" }));
  ip.calls.length = 0;
  await d.join(net({ parent: "eth0", macvlan_mode: "private" }), ep);
  assert.deepEqual(ip.calls, [
    "ip -n wharf-c0ffee link show dev eth1",
    "ip -j link show dev eth0",
    [
      "ip -batch -",
      "link add mvc0ffee001 link eth0 type macvlan mode private",
      "link set dev mvc0ffee001 netns /run/netns/wharf-c0ffee",
      "",
    ].join("\n"),
    [
      "ip -n wharf-c0ffee -batch -",
      "link set dev mvc0ffee001 name eth1",
      "link set dev eth1 address 02:42:c0:a8:32:0a",
      "addr add 192.168.50.10/24 dev eth1",
      "addr add fd00:50::10/64 dev eth1 nodad",
      "link set dev eth1 up",
      "route add default via 192.168.50.1 dev eth1",
      "",
    ].join("\n"),
  ]);
  ip.calls.length = 0;
  await d.leave(net({}), ep);
  assert.deepEqual(ip.calls, ["ip -n wharf-c0ffee link del dev eth1"]);
});

test("a bad macvlan mode is refused in Docker's words before anything is made", async () => {
  const ip = fakeIp({ eth0: "" });
  const d = macvlanDriver({ kernel: kernel(["macvlan"]), run: ip.run });
  await assert.rejects(
    d.createNetwork(net({ parent: "eth0", macvlan_mode: "x" })),
    {
      name: "InvalidArgumentError",
      message:
        "requested macvlan mode 'x' is not valid, 'bridge' mode is the macvlan driver default",
    },
  );
  assert.deepEqual(ip.calls, []);
});

test("a dotted parent becomes an 802.1q sub-interface, removed only by its own network", async () => {
  const ip = fakeIp({ eth1: "" });
  const d = macvlanDriver({
    kernel: kernel(["macvlan", "8021q"]),
    run: ip.run,
    hostNetns: "/run/netns/h1",
  });
  const n = net({ parent: "eth1.10" });
  await d.createNetwork(n);
  assert.equal(
    ip.calls.at(-1),
    [
      "ip -n h1 -batch -",
      "link add link eth1 name eth1.10 type vlan id 10",
      "link set dev eth1.10 alias wharf-network:0123456789abcdef0123456789abcdef",
      "link set dev eth1.10 up",
      "",
    ].join("\n"),
  );
  await d.deleteNetwork({ ...n, id: "another" });
  assert.ok("eth1.10" in ip.links);
  await d.deleteNetwork(n);
  assert.equal(ip.calls.at(-1), "ip -n h1 -batch -\nlink del dev eth1.10\n");
  assert.deepEqual(Object.keys(ip.links), ["eth1"]);
});

test("without 8021q a dotted parent fails naming the kernel feature and leaves nothing", async () => {
  const ip = fakeIp({ eth1: "" });
  const d = macvlanDriver({ kernel: kernel(["macvlan"]), run: ip.run });
  await assert.rejects(
    d.createNetwork(net({ parent: "eth1.10" })),
    /eth1\.10 cannot be created: kernel module 8021q/,
  );
  assert.deepEqual(Object.keys(ip.links), ["eth1"]);
  assert.ok(!ip.calls.some((c) => c.includes("-batch")));
});

test("parent errors use Docker's words", async () => {
  const d = macvlanDriver({
    kernel: kernel(["macvlan", "8021q"]),
    run: fakeIp({}).run,
  });
  await assert.rejects(d.createNetwork(net({ parent: "eth9" })), {
    message:
      "invalid subinterface vlan name eth9, example formatting is eth0.10",
  });
  await assert.rejects(d.createNetwork(net({ parent: "eth9.10" })), {
    message: "failed to find master interface eth9 on the Docker host",
  });
  await assert.rejects(d.createNetwork(net({ parent: "eth9.5000" })), {
    message: "vlan id must be between 1-4094, received: 5000",
  });
});

test("an internal network gets a dummy parent, which needs the dummy module", async () => {
  const ip = fakeIp({ eth0: "" });
  const ok = macvlanDriver({
    kernel: kernel(["macvlan", "dummy"]),
    run: ip.run,
  });
  await ok.createNetwork(net({ parent: "eth0" }, true));
  assert.match(
    ip.calls.at(-1) ?? "",
    /^ip -batch -\nlink add dm-0123456789ab type dummy\n/,
  );
  const no = macvlanDriver({
    kernel: kernel(["macvlan"]),
    run: fakeIp({}).run,
  });
  await assert.rejects(
    no.createNetwork(net({}, true)),
    /isolated dummy parent is needed: kernel module dummy/,
  );
});

test("ipvlan builds l2/l3 commands and, without CONFIG_IPVLAN, fails before any command", async () => {
  const ip = fakeIp({ eth0: "" });
  const d = ipvlanDriver({ kernel: kernel(["ipvlan"]), run: ip.run });
  const n = {
    ...net({ parent: "eth0", ipvlan_mode: "l3", ipvlan_flag: "private" }),
    driver: "ipvlan",
  };
  await d.join(n, ep);
  assert.deepEqual(ip.calls.slice(2), [
    [
      "ip -batch -",
      "link add ivc0ffee001 link eth0 type ipvlan mode l3 private",
      "link set dev ivc0ffee001 netns /run/netns/wharf-c0ffee",
      "",
    ].join("\n"),
    [
      "ip -n wharf-c0ffee -batch -",
      "link set dev ivc0ffee001 name eth1",
      "addr add 192.168.50.10/24 dev eth1",
      "addr add fd00:50::10/64 dev eth1 nodad",
      "link set dev eth1 up",
      "route add default dev eth1",
      "",
    ].join("\n"),
  ]);
  await assert.rejects(
    d.createNetwork({ ...n, options: { parent: "eth0", ipvlan_mode: "l4" } }),
    {
      message:
        "requested ipvlan mode 'l4' is not valid, 'l2' mode is the ipvlan driver default",
    },
  );
  const bare = fakeIp({ eth0: "" });
  const missing = ipvlanDriver({ kernel: kernel([]), run: bare.run });
  await assert.rejects(missing.createNetwork(n), {
    name: "UnavailableError",
    message: /cannot create ipvlan network n1/,
  });
  assert.deepEqual(bare.calls, []);
});
