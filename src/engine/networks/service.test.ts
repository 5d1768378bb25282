import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventBus } from "../events/index.ts";
import type { NetworkDriver, NetworkSpec } from "../../network/driver.ts";
import { Firewall } from "../../network/firewall.ts";
import { Logger } from "../../util/log.ts";
import { networkOptions } from "./config.ts";
import { NetworkService } from "./service.ts";
import { poolsOf, type NetContainer } from "./core.ts";
import type { NetworkRecord } from "./record.ts";

/** Records what the service asks of the host; does nothing. */
class FakeDriver implements NetworkDriver {
  readonly name = "bridge";
  created: string[] = [];
  deleted: string[] = [];
  async createNetwork(n: NetworkSpec): Promise<void> {
    this.created.push(n.name);
  }
  async deleteNetwork(n: NetworkSpec): Promise<void> {
    this.deleted.push(n.name);
  }
  async join(): Promise<void> {}
  async leave(): Promise<void> {}
}

async function service(): Promise<{
  svc: NetworkService;
  driver: FakeDriver;
  events: EventBus;
  done: () => Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), "wharf-net-"));
  const log = new Logger("error");
  const driver = new FakeDriver();
  const events = new EventBus();
  const svc = new NetworkService({
    root: dir,
    options: networkOptions({ iptables: false, bip: "10.199.0.1/24" }),
    events,
    log,
    firewall: new Firewall({ table: "unused", enabled: false, log }),
    drivers: new Map([["bridge", driver]]),
  });
  await svc.init();
  return {
    svc,
    driver,
    events,
    done: () => rm(dir, { recursive: true, force: true }),
  };
}

const ctr = (mode: string): NetContainer => ({
  id: "c".repeat(64),
  name: "/c1",
  config: { Hostname: "cccccccccccc", Domainname: "", Env: null },
  hostConfig: { NetworkMode: mode, Dns: null },
  state: { pid: 0, status: "created" },
});

test("init() makes bridge (from bip), host and none", async () => {
  const { svc, driver, done } = await service();
  const list = await svc.list();
  assert.deepEqual(
    list.map((n) => `${n.Name}/${n.Driver}`),
    ["bridge/bridge", "host/host", "none/null"],
  );
  assert.deepEqual(list[0]?.IPAM.Config, [
    { Subnet: "10.199.0.0/24", Gateway: "10.199.0.1" },
  ]);
  assert.deepEqual(driver.created, ["bridge"]);
  await done();
});

test("create() checks names, overlaps and drivers with Docker's errors, and publishes events", async () => {
  const { svc, driver, events, done } = await service();
  const seen: string[] = [];
  events.subscribe((e) => seen.push(`${e.Type}/${e.Action}`));
  const { Id } = await svc.create({
    Name: "n1",
    IPAM: { Config: [{ Subnet: "10.198.0.0/24" }] },
  });
  assert.equal((await svc.inspect("n1")).IPAM.Config[0]?.Gateway, "10.198.0.1");
  await assert.rejects(
    svc.create({ Name: "n1" }),
    /network with name n1 already exists/,
  );
  await assert.rejects(
    svc.create({ Name: "bridge" }),
    /operation is not permitted on predefined bridge network/,
  );
  await assert.rejects(
    svc.create({ Name: "n2", Driver: "x" }),
    /plugin "x" not found/,
  );
  await assert.rejects(
    svc.create({
      Name: "n3",
      IPAM: { Config: [{ Subnet: "10.198.0.128/25" }] },
    }),
    /Pool overlaps with other one on this address space/,
  );
  for (const [body, text] of [
    [{ Name: "n4", Ingress: true }, /ingress networks/],
    [{ Name: "n5", ConfigOnly: true }, /config-only networks/],
    [{ Name: "n6", ConfigFrom: { Network: "n1" } }, /config-only networks/],
    [{ Name: "n7", Scope: "swarm" }, /swarm-scoped networks/],
  ] as const)
    await assert.rejects(svc.create(body), text);
  const aux = await svc.create({
    Name: "aux",
    IPAM: {
      Config: [
        {
          Subnet: "10.197.0.0/24",
          AuxiliaryAddresses: { router: "10.197.0.2", gw: "10.197.0.1" },
        },
      ],
    },
  });
  const auxNet = await svc.inspect("aux");
  assert.deepEqual(auxNet.IPAM.Config[0]?.AuxiliaryAddresses, {
    router: "10.197.0.2",
    gw: "10.197.0.1",
  });
  const record = {
    id: aux.Id,
    name: "aux",
    driver: "bridge",
    options: {},
    internal: false,
    ipam: { config: auxNet.IPAM.Config },
  } as unknown as NetworkRecord;
  assert.equal(poolsOf(record)[0]?.allocate("t"), "10.197.0.3");
  await assert.rejects(
    svc.create({
      Name: "aux2",
      IPAM: {
        Config: [
          { Subnet: "10.196.0.0/24", AuxiliaryAddresses: { x: "10.9.9.9" } },
        ],
      },
    }),
    /no matching subnet for aux-address x 10\.9\.9\.9/,
  );
  await svc.remove("aux");
  assert.equal((await svc.list({ type: ["custom"] })).length, 1);
  assert.equal((await svc.list({ dangling: ["true"] }))[0]?.Id, Id);
  await assert.rejects(svc.list({ bogus: ["1"] }), /invalid filter 'bogus'/);
  await assert.rejects(
    svc.remove("host"),
    /host is a pre-defined network and cannot be removed/,
  );
  await svc.remove(Id.slice(0, 6));
  assert.deepEqual(driver.deleted, ["aux", "n1"]);
  assert.deepEqual(seen, [
    "network/create",
    "network/create",
    "network/destroy",
    "network/destroy",
  ]);
  await done();
});

test("the create hook refuses --ip on the default bridge and on networks without user subnets", async () => {
  const { svc, done } = await service();
  const body = (net: string) => ({
    NetworkingConfig: {
      EndpointsConfig: { [net]: { IPAMConfig: { IPv4Address: "10.1.1.1" } } },
    },
  });
  await assert.rejects(
    svc.sandboxes.create(ctr("bridge"), body("bridge")),
    /user specified IP address is supported on user defined networks only/,
  );
  await svc.create({ Name: "auto" });
  await assert.rejects(
    svc.sandboxes.create(ctr("auto"), body("auto")),
    /supported only when connecting to networks with user configured subnets/,
  );
  await assert.rejects(
    svc.sandboxes.create(ctr("nope"), {}),
    /network nope not found/,
  );
  await done();
});
