import { checkFilterKeys, labelMatches } from "../../conventions/filters.ts";
import type { NetworkContainer, NetworkInspect } from "../../api/networks.ts";
import { InvalidArgumentError } from "../../util/errors.ts";
import { shortId } from "../../util/ids.ts";
import {
  isUserDefined,
  PREDEFINED,
  type NetContainer,
  type NetCore,
} from "./core.ts";
import type { ActiveEndpoint, NetworkRecord, SandboxRecord } from "./record.ts";

/** Docker's inspect JSON of a network; `containers` false leaves Containers empty (list). */
export function networkView(
  core: NetCore,
  n: NetworkRecord,
  containers: boolean,
): NetworkInspect {
  const attached: Record<string, NetworkContainer> = {};
  if (containers)
    for (const sb of core.sandboxes.values())
      for (const ep of sb.active?.endpoints ?? [])
        if (ep.networkId === n.id)
          attached[sb.containerId] = {
            Name: sb.name,
            EndpointID: ep.endpointId,
            MacAddress: ep.mac,
            IPv4Address: ep.ipv4,
            IPv6Address: ep.ipv6,
          };
  const builtinNull = n.driver === "host" || n.driver === "null";
  return {
    Name: n.name,
    Id: n.id,
    Created: n.created,
    Scope: "local",
    Driver: n.driver,
    EnableIPv4: !builtinNull,
    EnableIPv6: n.enableIPv6,
    IPAM: {
      Driver: n.ipam.driver,
      // compat: Docker sends null options for predefined networks, {} for user ones.
      Options: isUserDefined(n) ? n.ipam.options : null,
      Config: n.ipam.config.map((c) => ({ ...c })),
    },
    Internal: n.internal,
    Attachable: n.attachable,
    Ingress: false,
    ConfigFrom: { Network: "" },
    ConfigOnly: false,
    Containers: attached,
    Options: n.options,
    Labels: n.labels,
  };
}

const FILTERS = new Set([
  "driver",
  "id",
  "label",
  "name",
  "scope",
  "type",
  "dangling",
]);

/** The predicate of GET /networks filters. Throws InvalidArgumentError for unknown ones. */
export function networkFilter(
  filters: Record<string, string[]>,
  inUse: (n: NetworkRecord) => boolean,
): (n: NetworkRecord) => boolean {
  checkFilterKeys(filters, FILTERS);
  for (const t of filters.type ?? [])
    if (t !== "custom" && t !== "builtin")
      throw new InvalidArgumentError(`invalid filter: 'type'='${t}'`);
  const any = (
    list: string[] | undefined,
    f: (v: string) => boolean,
  ): boolean => !list?.length || list.some(f);
  return (n) =>
    any(filters.driver, (v) => n.driver === v) &&
    any(filters.id, (v) => n.id.startsWith(v)) &&
    any(filters.name, (v) => n.name.includes(v)) &&
    any(filters.scope, (v) => v === "local") &&
    any(filters.type, (v) => (v === "custom") === isUserDefined(n)) &&
    any(filters.dangling, (v) => {
      const want = v === "true" || v === "1";
      // compat: predefined networks are never dangling.
      return want
        ? !PREDEFINED.has(n.name) && !inUse(n)
        : inUse(n) || PREDEFINED.has(n.name);
    }) &&
    (filters.label ?? []).every((l) => labelMatches(n.labels, l));
}

function endpointView(
  n: NetworkRecord,
  sb: SandboxRecord,
  ep: ActiveEndpoint | undefined,
): Record<string, unknown> {
  const cfg = sb.endpoints.find((e) => e.networkId === n.id);
  const [ip = "", len = "0"] = (ep?.ipv4 ?? "").split("/");
  const [ip6 = "", len6 = "0"] = (ep?.ipv6 ?? "").split("/");
  const user = isUserDefined(n);
  return {
    IPAMConfig:
      cfg && (cfg.ipv4 || cfg.ipv6)
        ? { IPv4Address: cfg.ipv4, IPv6Address: cfg.ipv6 }
        : null,
    Links: cfg?.links.length ? cfg.links : null,
    Aliases: cfg?.aliases.length ? cfg.aliases : null,
    MacAddress: ep?.mac ?? "",
    DriverOpts: null,
    GwPriority: 0,
    NetworkID: n.id,
    EndpointID: ep?.endpointId ?? "",
    Gateway: ep?.gateway ?? "",
    IPAddress: ip,
    IPPrefixLen: Number(len),
    IPv6Gateway: ep?.ipv6Gateway ?? "",
    GlobalIPv6Address: ip6,
    GlobalIPv6PrefixLen: Number(len6),
    // compat: DNSNames only on user-defined networks: name, aliases, short id.
    DNSNames: user && ep ? dnsNames(sb, cfg?.aliases ?? []) : null,
  };
}

/** The names a container answers to on a user-defined network. */
export function dnsNames(sb: SandboxRecord, aliases: string[]): string[] {
  // compat: moby's buildEndpointDNSNames: name, aliases, short id, hostname.
  const names = [sb.name, ...aliases, shortId(sb.containerId)];
  if (sb.hostname) names.push(sb.hostname);
  return [...new Set(names)];
}

type PortRow = {
  IP?: string;
  PrivatePort: number;
  PublicPort?: number;
  Type: string;
};

/**
 * NetworkSettings of a container and its ps Ports, in Docker's shape. The
 * top-level address fields describe the default bridge endpoint only.
 */
export function containerSettings(
  core: NetCore,
  c: NetContainer,
): { settings: Record<string, unknown>; ports: PortRow[] } {
  const sb = core.sandboxes.get(c.id);
  const active = sb?.active;
  const networks: Record<string, unknown> = {};
  let top: Record<string, unknown> = {};
  const mode = c.hostConfig.NetworkMode;
  if (sb)
    for (const e of sb.endpoints) {
      const n = core.networks.get(e.networkId);
      if (!n) continue;
      const ep = active?.endpoints.find((a) => a.networkId === n.id);
      networks[n.name] = endpointView(n, sb, ep);
      if (n.name === "bridge")
        top = networks[n.name] as Record<string, unknown>;
    }
  else if (mode === "host" || mode === "none") {
    const n = [...core.networks.values()].find((x) => x.name === mode);
    if (n)
      networks[mode] = endpointView(
        n,
        { containerId: c.id, name: "", hostname: "", endpoints: [] },
        undefined,
      );
  }
  const ports: Record<string, { HostIp: string; HostPort: string }[] | null> =
    {};
  const rows: PortRow[] = [];
  for (const k of Object.keys(c.config.ExposedPorts ?? {})) ports[k] = null;
  for (const p of active?.ports ?? []) {
    const k = `${p.containerPort}/${p.proto}`;
    (ports[k] ??= []).push({
      HostIp: p.hostIp || "0.0.0.0",
      HostPort: String(p.hostPort),
    });
    rows.push({
      IP: p.hostIp || "0.0.0.0",
      PrivatePort: p.containerPort,
      PublicPort: p.hostPort,
      Type: p.proto,
    });
  }
  for (const [k, v] of Object.entries(ports))
    if (v === null) {
      const [port = "0", proto = "tcp"] = k.split("/");
      rows.push({ PrivatePort: Number(port), Type: proto });
    }
  return {
    settings: {
      Bridge: "",
      SandboxID: active?.sandboxId ?? "",
      SandboxKey:
        active?.netnsPath ?? (c.state.pid ? `/proc/${c.state.pid}/ns/net` : ""),
      HairpinMode: false,
      LinkLocalIPv6Address: "",
      LinkLocalIPv6PrefixLen: 0,
      Ports: active ? ports : {},
      SecondaryIPAddresses: null,
      SecondaryIPv6Addresses: null,
      EndpointID: top.EndpointID ?? "",
      Gateway: top.Gateway ?? "",
      GlobalIPv6Address: top.GlobalIPv6Address ?? "",
      GlobalIPv6PrefixLen: top.GlobalIPv6PrefixLen ?? 0,
      IPAddress: top.IPAddress ?? "",
      IPPrefixLen: top.IPPrefixLen ?? 0,
      IPv6Gateway: top.IPv6Gateway ?? "",
      MacAddress: top.MacAddress ?? "",
      Networks: networks,
    },
    ports: active ? rows : [],
  };
}
