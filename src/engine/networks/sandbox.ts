import { basename } from "node:path";
import type { EndpointSettingsBody } from "../../api/networks.ts";
import type { Endpoint } from "../../network/driver.ts";
import { macFromIpv4, randomMac } from "../../network/cidr.ts";
import { addNetns, deleteNetns } from "../../network/ip.ts";
import { ForbiddenError, InvalidArgumentError } from "../../util/errors.ts";
import { newId, shortId } from "../../util/ids.ts";
import {
  driverOf,
  findNetwork,
  isUserDefined,
  publishNetwork,
  specOf,
  type NetContainer,
  type NetCore,
} from "./core.ts";
import { portRequests } from "./ports.ts";
import type {
  ActiveEndpoint,
  EndpointConfig,
  NetworkRecord,
  SandboxRecord,
} from "./record.ts";

const MAC_RE = /^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/;

/** True for modes that get no sandbox of wharf's: host, none, container:<ref>. */
export function isSpecialMode(mode: string): boolean {
  return mode === "host" || mode === "none" || mode.startsWith("container:");
}

/**
 * Checks one endpoint request against its network and returns what to
 * persist. Throws InvalidArgumentError with Docker's texts.
 */
export function endpointConfig(
  n: NetworkRecord,
  s: EndpointSettingsBody | undefined,
  fallbackMac = "",
): EndpointConfig {
  const ipv4 = s?.IPAMConfig?.IPv4Address ?? "";
  const ipv6 = s?.IPAMConfig?.IPv6Address ?? "";
  if ((ipv4 || ipv6) && !isUserDefined(n))
    throw new InvalidArgumentError(
      "user specified IP address is supported on user defined networks only",
    );
  if ((ipv4 || ipv6) && !n.userSubnets)
    throw new InvalidArgumentError(
      "user specified IP address is supported only when connecting to networks with user configured subnets",
    );
  if (s?.Aliases?.length && !isUserDefined(n))
    throw new InvalidArgumentError(
      "network-scoped alias is supported only for containers in user defined networks",
    );
  const mac = s?.MacAddress || fallbackMac;
  if (mac && !MAC_RE.test(mac))
    throw new InvalidArgumentError(`invalid MAC address: ${mac}`);
  return {
    networkId: n.id,
    aliases: s?.Aliases ?? [],
    ipv4,
    ipv6,
    links: s?.Links ?? [],
    mac,
  };
}

/**
 * The create hook: validates HostConfig.NetworkMode, NetworkingConfig and
 * the published ports, then persists the sandbox record. Nothing is made
 * when it throws.
 */
export async function createSandbox(
  core: NetCore,
  c: NetContainer,
  networking:
    | { EndpointsConfig?: Record<string, EndpointSettingsBody | null> }
    | undefined,
  containerMac = "",
): Promise<void> {
  const mode = c.hostConfig.NetworkMode;
  const hc = c.hostConfig;
  if (isSpecialMode(mode)) {
    if (
      hc.PortBindings &&
      Object.keys(hc.PortBindings).length &&
      mode !== "none"
    )
      // compat: moby silently ignores ports with host networking; it refuses them for container:.
      if (mode.startsWith("container:"))
        throw new InvalidArgumentError(
          "conflicting options: port publishing and the container type network mode",
        );
    return;
  }
  const eps = networking?.EndpointsConfig ?? {};
  const primary = findNetwork(core, mode);
  // compat: the container-wide Config.MacAddress (all an API < 1.44 client
  // can send) applies to the primary network's endpoint, as moby migrates it.
  const macOld =
    containerMac ||
    (typeof c.config.MacAddress === "string" ? c.config.MacAddress : "");
  const first =
    eps[mode] ??
    eps[primary.name] ??
    eps[primary.id] ??
    (mode === "bridge" ? eps.default : undefined);
  const endpoints = [endpointConfig(primary, first ?? undefined, macOld)];
  for (const [ref, s] of Object.entries(eps)) {
    const n = findNetwork(core, ref === "default" ? "bridge" : ref);
    if (endpoints.some((e) => e.networkId === n.id)) continue;
    endpoints.push(endpointConfig(n, s ?? undefined));
  }
  for (const e of endpoints)
    driverOf(core, core.networks.get(e.networkId)!.driver);
  portRequests(hc.PortBindings, {
    exposed: c.config.ExposedPorts,
    publishAll: hc.PublishAllPorts === true,
  });
  const sb: SandboxRecord = { containerId: c.id, ...namesOf(c), endpoints };
  await core.sandboxStore.put(c.id, sb);
  core.sandboxes.set(c.id, sb);
}

/** The sandbox record of a container, made on the fly for containers created before networking. */
export function sandboxOf(core: NetCore, c: NetContainer): SandboxRecord {
  const sb = core.sandboxes.get(c.id);
  if (sb) return sb;
  const n = findNetwork(core, c.hostConfig.NetworkMode);
  const made: SandboxRecord = {
    containerId: c.id,
    ...namesOf(c),
    endpoints: [
      { networkId: n.id, aliases: [], ipv4: "", ipv6: "", links: [], mac: "" },
    ],
  };
  core.sandboxes.set(c.id, made);
  return made;
}

/**
 * Brings a container's network up: a named namespace `<table>-<shortId>`,
 * one interface per endpoint, published ports. Undoes everything on failure.
 * The caller holds core.lock for c.id. `onAddressed` is called once the
 * namespace exists and the addresses and ports are taken (all in-process,
 * plus the port listeners and rules), before the interfaces are made (the
 * `ip` spawns): a start builds the container's spec from it meanwhile.
 */
export async function sandboxUp(
  core: NetCore,
  c: NetContainer,
  onAddressed?: (active: NonNullable<SandboxRecord["active"]>) => void,
): Promise<NonNullable<SandboxRecord["active"]>> {
  const sb = sandboxOf(core, c);
  if (sb.active) await sandboxDown(core, c.id);
  Object.assign(sb, namesOf(c));
  const netnsPath = await addNetns(`${core.opts.nftTable}-${shortId(c.id)}`);
  const active: NonNullable<SandboxRecord["active"]> = {
    netnsPath,
    sandboxId: newId(),
    endpoints: [],
    ports: [],
  };
  sb.active = active;
  try {
    // Saved once, after the plumbing: a crash before that leaves a namespace
    // no record owns, which reconcile deletes (its interfaces die with it).
    const joins = sb.endpoints.map((epc) => allocateEndpoint(core, sb, epc));
    const external = active.endpoints.find(
      (e) => e.ipv4 && !core.networks.get(e.networkId)?.internal,
    );
    const requests = portRequests(c.hostConfig.PortBindings, {
      exposed: c.config.ExposedPorts,
      publishAll: c.hostConfig.PublishAllPorts === true,
    });
    if (external && requests.length) {
      const endpoint = `${sb.name} (${external.endpointId})`;
      active.ports = await core.ports.allocate(c.id, requests, endpoint);
      const ip = external.ipv4.split("/")[0]!;
      const rules = active.ports.map((p) => ({ ...p, containerIp: ip }));
      // The listeners first: a port a host process holds fails the start.
      await core.proxy?.start(c.id, rules, endpoint);
      await core.firewall.setPorts(c.id, rules);
    }
    onAddressed?.(active);
    for (const join of joins) await plumbEndpoint(core, c, join);
    // Not fsynced: the active part dies with a power loss anyway (netns,
    // interfaces, listeners), and a daemon crash keeps the page cache.
    await core.sandboxStore.put(c.id, sb, { durable: false });
    return active;
  } catch (err) {
    await sandboxDown(core, c.id).catch(() => undefined);
    throw err;
  }
}

/** An endpoint whose addresses are taken and whose interface is still to be made. */
type PendingJoin = { n: NetworkRecord; ep: ActiveEndpoint; route: boolean };

/** Joins one endpoint of a sandbox whose namespace exists (start and connect). */
export async function joinEndpoint(
  core: NetCore,
  c: NetContainer,
  sb: SandboxRecord,
  epc: EndpointConfig,
): Promise<ActiveEndpoint> {
  const join = allocateEndpoint(core, sb, epc);
  try {
    await plumbEndpoint(core, c, join);
  } catch (err) {
    sb.active!.endpoints = sb.active!.endpoints.filter((e) => e !== join.ep);
    releaseAddresses(core, join.ep);
    throw err;
  }
  return join.ep;
}

/**
 * Takes an endpoint's addresses (IPAM, in-process) and lists it in the
 * sandbox's active endpoints; its interface is made by plumbEndpoint.
 */
function allocateEndpoint(
  core: NetCore,
  sb: SandboxRecord,
  epc: EndpointConfig,
): PendingJoin {
  const active = sb.active!;
  const n = core.networks.get(epc.networkId);
  if (!n) throw new ForbiddenError(`network ${epc.networkId} not found`);
  driverOf(core, n.driver);
  const spec = specOf(n);
  const pools = core.pools.get(n.id) ?? [];
  const v4 = pools.find((p) => p.subnet.family === 4);
  const v6 = pools.find((p) => p.subnet.family === 6);
  const used = new Set(active.endpoints.map((e) => e.ifname));
  let i = 0;
  while (used.has(`eth${i}`)) i++;
  const ep: ActiveEndpoint = {
    networkId: n.id,
    endpointId: newId(),
    ifname: `eth${i}`,
    ipv4: "",
    ipv6: "",
    mac: "",
    gateway: "",
    ipv6Gateway: "",
  };
  const what = `${n.name} (${n.id.slice(0, 12)})`;
  if (v4) {
    const addr = epc.ipv4
      ? (v4.reserve(epc.ipv4), epc.ipv4)
      : v4.allocate(what);
    ep.ipv4 = `${addr}/${v4.subnet.bits}`;
    ep.gateway =
      spec.subnets.find((s) => !s.subnet.includes(":"))?.gateway ?? "";
  }
  if (v6) {
    let addr: string;
    try {
      addr = epc.ipv6 ? (v6.reserve(epc.ipv6), epc.ipv6) : v6.allocate(what);
    } catch (err) {
      releaseAddresses(core, ep);
      throw err;
    }
    ep.ipv6 = `${addr}/${v6.subnet.bits}`;
    ep.ipv6Gateway =
      spec.subnets.find((s) => s.subnet.includes(":"))?.gateway ?? "";
  }
  ep.mac =
    epc.mac || (ep.ipv4 ? macFromIpv4(ep.ipv4.split("/")[0]!) : randomMac());
  const hasRoute = active.endpoints.some(
    (e) => e.gateway && !core.networks.get(e.networkId)?.internal,
  );
  active.endpoints.push(ep);
  return { n, ep, route: !n.internal && !hasRoute };
}

/** Makes an allocated endpoint's interface (the driver's spawns) and publishes connect. */
async function plumbEndpoint(
  core: NetCore,
  c: NetContainer,
  { n, ep, route }: PendingJoin,
): Promise<void> {
  const netnsPath = core.sandboxes.get(c.id)!.active!.netnsPath;
  await driverOf(core, n.driver).join(
    specOf(n),
    endpointOf(c.id, netnsPath, ep, route),
  );
  publishNetwork(core, n, "connect", { container: c.id });
}

/**
 * Leaves one endpoint (disconnect and stop). With namespaceGoing the
 * interface is left to die with the namespace (veth and macvlan links do),
 * which saves a spawn per endpoint at stop.
 */
export async function leaveEndpoint(
  core: NetCore,
  containerId: string,
  sb: SandboxRecord,
  ep: ActiveEndpoint,
  o: { namespaceGoing?: boolean } = {},
): Promise<void> {
  const active = sb.active!;
  const n = core.networks.get(ep.networkId);
  if (n && !o.namespaceGoing) {
    const driver = core.drivers.get(n.driver);
    await driver
      ?.leave(specOf(n), endpointOf(containerId, active.netnsPath, ep, false))
      .catch(() => undefined);
  }
  releaseAddresses(core, ep);
  active.endpoints = active.endpoints.filter((e) => e !== ep);
  if (n) publishNetwork(core, n, "disconnect", { container: containerId });
}

/** Tears a container's network down (idempotent); the caller holds core.lock for the id. */
export async function sandboxDown(
  core: NetCore,
  containerId: string,
): Promise<void> {
  const sb = core.sandboxes.get(containerId);
  const active = sb?.active;
  if (!sb || !active) return;
  await core.firewall.removePorts(containerId);
  await core.proxy?.stop(containerId);
  core.ports.releaseAll(containerId);
  for (const ep of [...active.endpoints])
    await leaveEndpoint(core, containerId, sb, ep, { namespaceGoing: true });
  await deleteNetns(basename(active.netnsPath));
  delete sb.active;
  // Not fsynced, like sandboxUp's save: what it records gone is gone after
  // a power loss as well.
  await core.sandboxStore.put(containerId, sb, { durable: false });
}

function releaseAddresses(core: NetCore, ep: ActiveEndpoint): void {
  for (const p of core.pools.get(ep.networkId) ?? [])
    for (const a of [ep.ipv4, ep.ipv6])
      if (a && p.has(a.split("/")[0]!)) p.release(a.split("/")[0]!);
}

function endpointOf(
  containerId: string,
  netnsPath: string,
  ep: ActiveEndpoint,
  route: boolean,
): Endpoint {
  return {
    containerId,
    netnsPath,
    ifname: ep.ifname,
    addresses: [ep.ipv4, ep.ipv6].filter(Boolean),
    gateway: route && ep.gateway ? ep.gateway : undefined,
    mac: ep.mac,
  };
}

/** Refuses a second endpoint on the same network (Docker's wording). */
export function checkNotConnected(
  sb: SandboxRecord,
  n: NetworkRecord,
  containerName: string,
): void {
  if (sb.endpoints.some((e) => e.networkId === n.id))
    throw new ForbiddenError(
      `endpoint with name ${containerName.replace(/^\//, "")} already exists in network ${n.name}`,
    );
}

function namesOf(c: NetContainer): { name: string; hostname: string } {
  return { name: c.name.replace(/^\//, ""), hostname: c.config.Hostname };
}
