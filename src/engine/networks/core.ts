import type { EventBus } from "../events/index.ts";
import type { NetworkDriver, NetworkSpec } from "../../network/driver.ts";
import type { Firewall } from "../../network/firewall.ts";
import type { UserlandProxy } from "../../network/proxy.ts";
import type { RecordStore } from "../../storage/metadata/record-store.ts";
import { NotFoundError } from "../../util/errors.ts";
import type { KeyedLock } from "../../util/lock.ts";
import type { Logger } from "../../util/log.ts";
import type { NetworkOptions } from "./config.ts";
import { IpPool } from "./ipam.ts";
import type { PortAllocator } from "./ports.ts";
import type { NetworkRecord, SandboxRecord } from "./record.ts";

/**
 * The part of a container record networking reads. ContainerRecord fits it,
 * so the containers engine passes its records without networks importing it.
 */
export type NetContainer = {
  id: string;
  /** With Docker's leading slash. */
  name: string;
  config: {
    Hostname: string;
    Domainname: string;
    Env: string[] | null;
    ExposedPorts?: Record<string, object>;
    MacAddress?: unknown;
  };
  hostConfig: {
    NetworkMode: string;
    Dns: string[] | null;
    [key: string]: unknown;
  };
  state: { pid: number; status: string };
};

/** Finds a container by name or id (for links, connect, container:<ref>). Throws NotFoundError. */
export type ContainerLookup = (ref: string) => Promise<NetContainer>;

/**
 * Resolves a `container:<ref>` network mode to the donor and its
 * /proc/<pid>/ns/net path (the containers engine's one resolver). Throws
 * NotFoundError for an unknown donor, ConflictError ("cannot join network
 * of a non running container: <id>") for one not running.
 */
export type DonorResolver = (
  mode: string,
) => Promise<{ donor: NetContainer; path: string }>;

/** Told when a user-defined network's gateway address comes up or goes down. */
export type GatewayListener = (e: {
  networkId: string;
  name: string;
  gateway: string;
  up: boolean;
}) => void;

/** What the NetworkService modules share; built once by NetworkService. */
export type NetCore = {
  opts: NetworkOptions;
  store: RecordStore<NetworkRecord>;
  sandboxStore: RecordStore<SandboxRecord>;
  networks: Map<string, NetworkRecord>;
  sandboxes: Map<string, SandboxRecord>;
  /** IPAM pools per network id, IPv4 first. */
  pools: Map<string, IpPool[]>;
  drivers: Map<string, NetworkDriver>;
  firewall: Firewall;
  ports: PortAllocator;
  /** Listeners of published ports; undefined with userland-proxy false. */
  proxy: UserlandProxy | undefined;
  events: EventBus;
  log: Logger;
  /** Per container id: sandbox changes. */
  lock: KeyedLock;
  lookup: ContainerLookup;
  donors: DonorResolver;
};

/** Names of the networks Docker predefines; they cannot be created or removed. */
export const PREDEFINED = new Set(["bridge", "host", "none"]);

/** True for the default bridge network. */
export function isDefaultBridge(n: NetworkRecord): boolean {
  return (
    n.name === "bridge" &&
    n.options["com.docker.network.bridge.default_bridge"] === "true"
  );
}

/** True for networks users made (not bridge/host/none). */
export function isUserDefined(n: NetworkRecord): boolean {
  return !PREDEFINED.has(n.name);
}

/** The driver-facing view of a network record. */
export function specOf(n: NetworkRecord): NetworkSpec {
  return {
    id: n.id,
    name: n.name,
    driver: n.driver,
    options: n.options,
    internal: n.internal,
    subnets: [...n.ipam.config]
      .sort(
        (a, b) =>
          Number(a.Subnet.includes(":")) - Number(b.Subnet.includes(":")),
      )
      .map((c) => ({ subnet: c.Subnet, gateway: c.Gateway })),
  };
}

/** Builds the IPAM pools of a network from its record. */
export function poolsOf(n: NetworkRecord): IpPool[] {
  return specOf(n).subnets.map((s) => {
    const cfg = n.ipam.config.find((c) => c.Subnet === s.subnet);
    const pool = new IpPool(s.subnet, {
      gateway: s.gateway,
      ...(cfg?.IPRange ? { range: cfg.IPRange } : {}),
    });
    // Auxiliary addresses belong to something else on the segment.
    for (const a of Object.values(cfg?.AuxiliaryAddresses ?? {}))
      try {
        pool.reserve(a);
      } catch {
        // The gateway or a subnet edge: never handed out anyway.
      }
    return pool;
  });
}

/**
 * Finds a network by full id, exact name, then unique id prefix (Docker's
 * order). Throws NotFoundError("network x not found").
 */
export function findNetwork(core: NetCore, ref: string): NetworkRecord {
  const all = [...core.networks.values()];
  const hit =
    core.networks.get(ref) ??
    all.find((n) => n.name === ref) ??
    (() => {
      const p = all.filter((n) => n.id.startsWith(ref));
      return p.length === 1 ? p[0] : undefined;
    })();
  if (!hit) throw new NotFoundError(`network ${ref} not found`);
  return hit;
}

/** The driver of a network. Throws NotFoundError with Docker's plugin wording. */
export function driverOf(core: NetCore, name: string): NetworkDriver {
  const d = core.drivers.get(name);
  // compat: Docker looks unknown drivers up as plugins.
  if (!d) throw new NotFoundError(`plugin "${name}" not found`);
  return d;
}

/** Publishes a network event with Docker's attributes. */
export function publishNetwork(
  core: NetCore,
  n: NetworkRecord,
  action: string,
  extra: Record<string, string> = {},
): void {
  core.events.publish({
    type: "network",
    action,
    id: n.id,
    attributes: { name: n.name, type: n.driver, ...extra },
  });
}
