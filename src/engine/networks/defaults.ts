import { randomBytes } from "node:crypto";
import type { NetworkCreateBody } from "../../api/networks.ts";
import {
  bridgeName,
  BRIDGE_ICC,
  BRIDGE_MASQ,
  BRIDGE_NAME,
} from "../../network/bridge-driver.ts";
import {
  contains,
  formatPrefix,
  overlaps,
  parseIp,
  parsePrefix,
  type Prefix,
} from "../../network/cidr.ts";
import { hostRoutes } from "../../network/ip.ts";
import {
  ConflictError,
  ForbiddenError,
  InvalidArgumentError,
} from "../../util/errors.ts";
import { newId } from "../../util/ids.ts";
import { specOf, type NetCore } from "./core.ts";
import { firstHost, pickSubnet } from "./ipam.ts";
import type { IpamConfig, NetworkRecord } from "./record.ts";

function blank(name: string, driver: string): NetworkRecord {
  return {
    id: newId(),
    name,
    driver,
    created: new Date().toISOString(),
    internal: false,
    attachable: false,
    enableIPv6: false,
    labels: {},
    options: {},
    ipam: { driver: "default", options: {}, config: [] },
    userSubnets: false,
  };
}

/** Host routes and network subnets a new subnet must not overlap; our own bridges' routes excepted. */
async function takenPrefixes(
  core: NetCore,
  except?: string,
): Promise<Prefix[]> {
  const ours = new Set(
    [...core.networks.values()]
      .filter((n) => n.driver === "bridge")
      .map((n) => bridgeName(specOf(n))),
  );
  const routes = (await hostRoutes().catch(() => []))
    .filter((r) => !ours.has(r.dev))
    .map((r) => parsePrefix(r.dst));
  const nets = [...core.networks.values()]
    .filter((n) => n.id !== except)
    .flatMap((n) => n.ipam.config.map((c) => parsePrefix(c.Subnet)));
  return [...routes, ...nets];
}

/**
 * Makes the predefined networks: host, none and (unless the daemon option
 * bridge is "none") the default bridge, whose subnet is `bip`, else the one
 * it had, else the first pool subnet free of host routes (docker0 may hold
 * 172.17.0.0/16). Saves records that changed.
 */
export async function ensureDefaults(core: NetCore): Promise<void> {
  const byName = (name: string): NetworkRecord | undefined =>
    [...core.networks.values()].find((n) => n.name === name);
  for (const [name, driver] of [
    ["host", "host"],
    ["none", "null"],
  ] as const)
    if (!byName(name)) {
      const n = blank(name, driver);
      await core.store.put(n.id, n);
      core.networks.set(n.id, n);
    }
  const o = core.opts;
  if (o.bridge === "none") return;
  const old = byName("bridge");
  const n = old ? structuredClone(old) : blank("bridge", "bridge");
  n.options = {
    "com.docker.network.bridge.default_bridge": "true",
    [BRIDGE_ICC]: String(o.icc),
    [BRIDGE_MASQ]: String(o.ipMasq),
    "com.docker.network.bridge.host_binding_ipv4": "0.0.0.0",
    [BRIDGE_NAME]: o.bridge,
    "com.docker.network.driver.mtu": "1500",
  };
  let cfg: IpamConfig | undefined;
  if (o.bip) {
    const gw = o.bip.split("/")[0]!;
    cfg = { Subnet: formatPrefix(parsePrefix(o.bip)), Gateway: gw };
  } else {
    const taken = await takenPrefixes(core, n.id);
    const prev = n.ipam.config[0];
    if (prev && !taken.some((t) => overlaps(t, parsePrefix(prev.Subnet))))
      cfg = { Subnet: prev.Subnet, Gateway: prev.Gateway };
    else {
      const p = pickSubnet(o.defaultAddressPools, taken);
      cfg = { Subnet: formatPrefix(p), Gateway: firstHost(p) };
    }
  }
  if (o.fixedCidr) cfg.IPRange = formatPrefix(parsePrefix(o.fixedCidr));
  n.ipam.config = [cfg];
  if (JSON.stringify(n) !== JSON.stringify(old)) {
    await core.store.put(n.id, n);
    core.networks.set(n.id, n);
  }
}

/**
 * A new network's record from a create body: subnets as given (checked
 * against other networks' with Docker's "Pool overlaps" error) or picked
 * from the default pools; gateways default to the first address.
 */
export async function buildNetwork(
  core: NetCore,
  body: NetworkCreateBody,
): Promise<NetworkRecord> {
  const n = blank(body.Name, body.Driver || "bridge");
  n.internal = body.Internal === true;
  n.attachable = body.Attachable === true;
  n.enableIPv6 = body.EnableIPv6 === true;
  n.labels = body.Labels ?? {};
  n.options = body.Options ?? {};
  n.ipam.driver = body.IPAM?.Driver || "default";
  if (n.ipam.driver !== "default")
    throw new InvalidArgumentError(`plugin "${n.ipam.driver}" not found`);
  n.ipam.options = body.IPAM?.Options ?? {};
  const wanted = n.options[BRIDGE_NAME];
  if (
    wanted &&
    [...core.networks.values()].some((x) => x.options[BRIDGE_NAME] === wanted)
  )
    throw new ConflictError(
      `bridge name ${wanted} is already in use by another network`,
    );
  const taken = await takenPrefixes(core);
  const nets = [...core.networks.values()].flatMap((x) =>
    x.ipam.config.map((c) => parsePrefix(c.Subnet)),
  );
  for (const c of body.IPAM?.Config ?? []) {
    if (!c.Subnet)
      throw new InvalidArgumentError(
        "a subnet is required for each IPAM config entry",
      );
    const p = parsePrefix(c.Subnet);
    if (parseIp(c.Subnet.split("/")[0]!)?.value !== p.base)
      throw new InvalidArgumentError(
        `invalid subnet ${c.Subnet}: it should be ${formatPrefix(p)}`,
      );
    if (nets.some((t) => overlaps(t, p)))
      throw new ForbiddenError(
        "invalid pool request: Pool overlaps with other one on this address space",
      );
    const inside = (a: string, what: string): void => {
      const ip = parseIp(a);
      if (!ip || !contains(p, ip.family, ip.value))
        throw new InvalidArgumentError(`no matching subnet for ${what} ${a}`);
    };
    if (c.Gateway) inside(c.Gateway, "gateway");
    if (c.IPRange) {
      const r = parsePrefix(c.IPRange);
      if (!contains(p, r.family, r.base) || r.bits < p.bits)
        throw new InvalidArgumentError(
          `no matching subnet for range ${c.IPRange}`,
        );
    }
    const aux = c.AuxiliaryAddresses ?? {};
    for (const [name, a] of Object.entries(aux))
      inside(a, `aux-address ${name}`);
    n.ipam.config.push({
      Subnet: formatPrefix(p),
      Gateway: c.Gateway || firstHost(p),
      ...(c.IPRange ? { IPRange: c.IPRange } : {}),
      ...(Object.keys(aux).length ? { AuxiliaryAddresses: { ...aux } } : {}),
    });
    nets.push(p);
    n.userSubnets = true;
  }
  const has = (f: 4 | 6): boolean =>
    n.ipam.config.some((c) => c.Subnet.includes(":") === (f === 6));
  if (!has(4)) {
    const p = pickSubnet(core.opts.defaultAddressPools, taken);
    n.ipam.config.unshift({ Subnet: formatPrefix(p), Gateway: firstHost(p) });
  }
  if (n.enableIPv6 && !has(6)) {
    // A unique local /64 (RFC 4193), as Docker 27+ picks when none is given.
    const p = parsePrefix(
      `fd${randomBytes(5)
        .toString("hex")
        .replace(/(..)(....)(....)/, "$1:$2:$3")}::/64`,
    );
    n.ipam.config.push({ Subnet: formatPrefix(p), Gateway: firstHost(p) });
  }
  if (!n.enableIPv6 && has(6)) n.enableIPv6 = true;
  return n;
}
