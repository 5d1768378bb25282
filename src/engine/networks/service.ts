import {
  checkFilterKeys,
  labelsMatch,
  untilMillis,
} from "../../conventions/filters.ts";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type {
  NetworkConnectBody,
  NetworkCreateBody,
  NetworkCreateResponse,
  NetworkDisconnectBody,
  NetworkInspect,
  NetworkPruneResponse,
} from "../../api/networks.ts";
import type { EventBus } from "../events/index.ts";
import type { NetworkDriver } from "../../network/driver.ts";
import type { Firewall } from "../../network/firewall.ts";
import { UserlandProxy } from "../../network/proxy.ts";
import { RecordStore } from "../../storage/metadata/record-store.ts";
import {
  ConflictError,
  errorMessage,
  ForbiddenError,
  InvalidArgumentError,
  NotFoundError,
  NotImplementedError,
} from "../../util/errors.ts";
import { KeyedLock } from "../../util/lock.ts";
import type { Logger } from "../../util/log.ts";
import type { NetworkOptions } from "./config.ts";
import {
  driverOf,
  findNetwork,
  isUserDefined,
  poolsOf,
  PREDEFINED,
  publishNetwork,
  specOf,
  type ContainerLookup,
  type GatewayListener,
  type NetCore,
} from "./core.ts";
import { buildNetwork, ensureDefaults } from "./defaults.ts";
import { PortAllocator } from "./ports.ts";
import type { NetworkRecord, SandboxRecord } from "./record.ts";
import {
  checkNotConnected,
  endpointConfig,
  joinEndpoint,
  leaveEndpoint,
  sandboxOf,
} from "./sandbox.ts";
import { Sandboxes } from "./sandboxes.ts";
import { networkFilter, networkView } from "./view.ts";

/**
 * Docker's networks: records under <data-root>/networks/<id>.json, the
 * predefined bridge/host/none made at start, drivers from a registry
 * (bridge here; macvlan and others are registered by the composition root),
 * and container sandboxes (see sandboxes.ts) under
 * <data-root>/networks/sandboxes/<containerId>.json with namespaces at
 * /run/netns/<table>-<shortId>.
 */
export class NetworkService {
  #core: NetCore;
  #gateways = new Set<GatewayListener>();
  /** The container hook (ContainerNetworking) wire.ts hands to ContainerService. */
  readonly sandboxes: Sandboxes;

  constructor(options: {
    root: string;
    options: NetworkOptions;
    events: EventBus;
    log: Logger;
    firewall: Firewall;
    drivers: Map<string, NetworkDriver>;
    /** The containers' narrow view (links, connect, container:<ref>); none known when absent. */
    containers?: ContainerLookup;
  }) {
    const dir = join(options.root, "networks");
    this.#core = {
      opts: options.options,
      store: new RecordStore({ dir, schemaVersion: 1 }),
      sandboxStore: new RecordStore({
        dir: join(dir, "sandboxes"),
        schemaVersion: 1,
      }),
      networks: new Map(),
      sandboxes: new Map(),
      pools: new Map(),
      drivers: options.drivers,
      firewall: options.firewall,
      ports: new PortAllocator(),
      proxy: options.options.userlandProxy
        ? new UserlandProxy({ log: options.log })
        : undefined,
      events: options.events,
      log: options.log,
      lock: new KeyedLock(),
      lookup:
        options.containers ??
        ((ref) =>
          Promise.reject(new NotFoundError(`No such container: ${ref}`))),
    };
    this.sandboxes = new Sandboxes(this.#core);
  }

  /**
   * Loads records, makes the predefined networks, recreates host objects
   * (bridges after a reboot) and rebuilds IPAM, ports and the nftables
   * table from what was running, in one firewall transaction.
   */
  async init(): Promise<void> {
    const c = this.#core;
    await c.store.init();
    await c.sandboxStore.init();
    for (const [, n] of await c.store.list()) c.networks.set(n.id, n);
    for (const [, sb] of await c.sandboxStore.list())
      c.sandboxes.set(sb.containerId, sb);
    if (c.opts.ipForward && c.opts.iptables)
      await writeFile("/proc/sys/net/ipv4/ip_forward", "1").catch(
        () => undefined,
      );
    await c.firewall.batch(async () => {
      await ensureDefaults(c);
      for (const n of c.networks.values()) {
        c.pools.set(n.id, poolsOf(n));
        const d = c.drivers.get(n.driver);
        if (d && n.driver !== "host" && n.driver !== "null")
          await d.createNetwork(specOf(n)).catch((err: unknown) =>
            c.log.error("cannot restore network", {
              name: n.name,
              err: errorMessage(err),
            }),
          );
        this.#gateway(n, true);
      }
      for (const sb of c.sandboxes.values()) this.sandboxes.hold(sb);
    });
  }

  /** After the containers engine restored: frees what stopped or vanished containers held. */
  async reconcile(running: (id: string) => boolean | undefined): Promise<void> {
    await this.sandboxes.reconcile(running);
  }

  /** docker network create. Throws ConflictError (name), ForbiddenError (overlap, predefined), NotFoundError (driver). */
  async create(body: NetworkCreateBody): Promise<NetworkCreateResponse> {
    const c = this.#core;
    if (!body.Name)
      throw new InvalidArgumentError("network name must not be empty");
    if (body.Ingress)
      throw new NotImplementedError(
        "not implemented: ingress networks (they need swarm mode)",
      );
    if (body.ConfigOnly || body.ConfigFrom?.Network)
      throw new NotImplementedError(
        "not implemented: config-only networks (--config-only, --config-from)",
      );
    if (body.Scope && body.Scope !== "local")
      throw new NotImplementedError(
        `not implemented: ${body.Scope}-scoped networks (only local)`,
      );
    if (PREDEFINED.has(body.Name))
      throw new ForbiddenError(
        `operation is not permitted on predefined ${body.Name} network `,
      );
    if ([...c.networks.values()].some((n) => n.name === body.Name))
      throw new ConflictError(`network with name ${body.Name} already exists`);
    const driver = driverOf(c, body.Driver || "bridge");
    const n = await buildNetwork(c, body);
    await driver.createNetwork(specOf(n));
    try {
      await c.store.put(n.id, n);
    } catch (err) {
      await driver.deleteNetwork(specOf(n)).catch(() => undefined);
      throw err;
    }
    c.networks.set(n.id, n);
    c.pools.set(n.id, poolsOf(n));
    publishNetwork(c, n, "create");
    this.#gateway(n, true);
    return { Id: n.id, Warning: "" };
  }

  /** docker network inspect. Throws NotFoundError. */
  async inspect(ref: string): Promise<NetworkInspect> {
    return networkView(this.#core, findNetwork(this.#core, ref), true);
  }

  /** docker network ls. Throws InvalidArgumentError for bad filters. */
  async list(
    filters: Record<string, string[]> = {},
  ): Promise<NetworkInspect[]> {
    const keep = networkFilter(filters, (n) => this.#inUse(n));
    return [...this.#core.networks.values()]
      .filter(keep)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((n) => networkView(this.#core, n, false));
  }

  /** docker network rm. Throws ForbiddenError for predefined networks and active endpoints. */
  async remove(ref: string): Promise<void> {
    const c = this.#core;
    const n = findNetwork(c, ref);
    if (!isUserDefined(n))
      throw new ForbiddenError(
        `${n.name} is a pre-defined network and cannot be removed`,
      );
    if (this.#activeOn(n).length)
      throw new ForbiddenError(
        `error while removing network: network ${n.name} id ${n.id} has active endpoints`,
      );
    this.#gateway(n, false);
    await driverOf(c, n.driver).deleteNetwork(specOf(n));
    await c.store.remove(n.id);
    c.networks.delete(n.id);
    c.pools.delete(n.id);
    publishNetwork(c, n, "destroy");
  }

  /** docker network prune: user networks without running containers; filters until and label. */
  async prune(
    filters: Record<string, string[]> = {},
  ): Promise<NetworkPruneResponse> {
    checkFilterKeys(filters, ["until", "label", "label!"]);
    const deleted: string[] = [];
    for (const n of [...this.#core.networks.values()]) {
      if (!isUserDefined(n) || this.#activeOn(n).length) continue;
      if (!labelsMatch(n.labels, filters)) continue;
      if (
        filters.until?.[0] &&
        Date.parse(n.created) >= untilMillis(filters.until[0])
      )
        continue;
      await this.remove(n.id).then(
        () => deleted.push(n.name),
        (err: unknown) =>
          this.#core.log.warn("prune: cannot remove network", {
            name: n.name,
            err: errorMessage(err),
          }),
      );
    }
    this.#core.events.publish({
      type: "network",
      action: "prune",
      id: "",
      attributes: {},
    });
    return { NetworksDeleted: deleted.length ? deleted : null };
  }

  /** docker network connect: records the endpoint and plumbs it now when the container runs. */
  async connect(ref: string, body: NetworkConnectBody): Promise<void> {
    const c = this.#core;
    const n = findNetwork(c, ref);
    const ctr = await c.lookup(body.Container);
    const mode = ctr.hostConfig.NetworkMode;
    if (mode === "host" || mode === "none" || mode.startsWith("container:"))
      throw new ForbiddenError(
        `container sharing network namespace with another container or host cannot be connected to any other network`,
      );
    if (n.driver === "host" || n.driver === "null")
      throw new ForbiddenError(
        `container cannot be disconnected from host network or connected to host network`,
      );
    await c.lock.run(ctr.id, async () => {
      const sb = sandboxOf(c, ctr);
      checkNotConnected(sb, n, ctr.name);
      const epc = endpointConfig(n, body.EndpointConfig ?? undefined);
      sb.endpoints.push(epc);
      try {
        if (sb.active) await joinEndpoint(c, ctr, sb, epc);
        await c.sandboxStore.put(ctr.id, sb);
      } catch (err) {
        sb.endpoints = sb.endpoints.filter((e) => e !== epc);
        throw err;
      }
      if (!sb.active) publishNetwork(c, n, "connect", { container: ctr.id });
    });
  }

  /** docker network disconnect. Throws ForbiddenError when not connected. */
  async disconnect(ref: string, body: NetworkDisconnectBody): Promise<void> {
    const c = this.#core;
    const n = findNetwork(c, ref);
    const ctr = await c.lookup(body.Container);
    await c.lock.run(ctr.id, async () => {
      const sb = c.sandboxes.get(ctr.id);
      if (!sb?.endpoints.some((e) => e.networkId === n.id))
        throw new ForbiddenError(
          `container ${ctr.id} is not connected to network ${n.name}`,
        );
      const ep = sb.active?.endpoints.find((e) => e.networkId === n.id);
      if (ep) await leaveEndpoint(c, ctr.id, sb, ep);
      else publishNetwork(c, n, "disconnect", { container: ctr.id });
      sb.endpoints = sb.endpoints.filter((e) => e.networkId !== n.id);
      await c.sandboxStore.put(ctr.id, sb);
    });
  }

  /**
   * The DNS hook: addresses of `name` (a container name, network alias or
   * short id) among containers sharing a user-defined network with the
   * container at clientIp; undefined when nothing matches.
   */
  resolve(name: string, clientIp: string): string[] | undefined {
    return this.sandboxes.resolve(name, clientIp);
  }

  /**
   * Calls listener with every user-defined network gateway now up and then
   * on each change (for a DNS server binding to gateway addresses). Returns
   * the unsubscribe function.
   */
  onGateway(listener: GatewayListener): () => void {
    this.#gateways.add(listener);
    for (const n of this.#core.networks.values())
      this.#gateway(n, true, listener);
    return () => this.#gateways.delete(listener);
  }

  /**
   * At daemon shutdown: when no container network is up, removes the
   * bridges and the nftables table (start makes them again from the
   * records); otherwise leaves everything for the containers that live on.
   */
  async close(): Promise<void> {
    const c = this.#core;
    // The listeners live in this process; restart's reconcile opens them again.
    await c.proxy?.close();
    if ([...c.sandboxes.values()].some((sb) => sb.active)) return;
    for (const n of c.networks.values()) {
      const d = c.drivers.get(n.driver);
      if (d && n.driver !== "host" && n.driver !== "null")
        await d.deleteNetwork(specOf(n)).catch((err: unknown) =>
          c.log.warn("cannot remove network objects", {
            name: n.name,
            err: errorMessage(err),
          }),
        );
    }
    await c.firewall.remove().catch(() => undefined);
  }

  /** Network count for /info. */
  count(): number {
    return this.#core.networks.size;
  }

  #gateway(n: NetworkRecord, up: boolean, only?: GatewayListener): void {
    if (!isUserDefined(n)) return;
    for (const s of specOf(n).subnets)
      for (const l of only ? [only] : this.#gateways)
        l({ networkId: n.id, name: n.name, gateway: s.gateway, up });
  }

  #activeOn(n: NetworkRecord): SandboxRecord[] {
    return [...this.#core.sandboxes.values()].filter((sb) =>
      sb.active?.endpoints.some((e) => e.networkId === n.id),
    );
  }

  #inUse(n: NetworkRecord): boolean {
    return [...this.#core.sandboxes.values()].some((sb) =>
      sb.endpoints.some((e) => e.networkId === n.id),
    );
  }
}
