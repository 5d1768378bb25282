/**
 * The networking flags of `run` and `create` (-P, --ip, --ip6,
 * --network-alias, --dns-search, --dns-option, --mac-address, --link,
 * --domainname) and Docker's -p forms, laid onto the create body as the
 * Docker CLI does.
 */
import type { ContainerCreateBody } from "../../../client/index.ts";
import { StatusError } from "../../command.ts";
import type { FlagSpec, ParsedFlags } from "../../flags.ts";

/** Networking flags beyond --network, -p, --dns and --add-host (declared in create-options.ts). */
export const NETWORK_FLAGS: FlagSpec[] = [
  {
    name: "publish-all",
    short: "P",
    type: "bool",
    description: "Publish all exposed ports to random ports",
  },
  {
    name: "ip",
    type: "string",
    description: "IPv4 address (e.g., 172.30.100.104)",
  },
  {
    name: "ip6",
    type: "string",
    description: "IPv6 address (e.g., 2001:db8::33)",
  },
  {
    name: "network-alias",
    type: "list",
    description: "Add network-scoped alias for the container",
  },
  {
    name: "dns-search",
    type: "list",
    description: "Set custom DNS search domains",
  },
  { name: "dns-option", type: "list", description: "Set DNS options" },
  {
    name: "mac-address",
    type: "string",
    description: "Container MAC address (e.g., 92:d0:c6:0a:29:33)",
  },
  { name: "link", type: "list", description: "Add link to another container" },
  {
    name: "link-local-ip",
    type: "list",
    description: "Container IPv4/IPv6 link-local addresses",
  },
  {
    name: "domainname",
    type: "string",
    description: "Container NIS domain name",
  },
];

type Binding = { HostIp: string; HostPort: string };

/**
 * Docker's -p forms: "cp", "hp:cp", "ip:hp:cp", "ip::cp", ranges on both
 * sides ("8080-8081:80-81" pairs them up; "8080-8090:80" lets the daemon
 * pick one), "/udp" and "/sctp". Throws StatusError (125) with Docker's text.
 */
export function parsePublishSpec(
  spec: string,
): { key: string; binding: Binding }[] {
  const slash = spec.lastIndexOf("/");
  const proto = slash >= 0 ? spec.slice(slash + 1) : "tcp";
  const addr = slash >= 0 ? spec.slice(0, slash) : spec;
  const parts = addr.split(":");
  const port = parts.pop() ?? "";
  const hostPort = parts.pop() ?? "";
  const hostIp = parts.join(":").replace(/^\[|\]$/g, "");
  const range = (s: string, what: string): [number, number] => {
    const m = /^(\d+)(?:-(\d+))?$/.exec(s);
    if (!m) throw new StatusError(`invalid ${what}: ${s}`, 125);
    return [Number(m[1]), Number(m[2] ?? m[1])];
  };
  const [lo, hi] = range(port, "containerPort");
  const host = hostPort ? range(hostPort, "hostPort") : undefined;
  const count = hi - lo + 1;
  const out: { key: string; binding: Binding }[] = [];
  for (let i = 0; i < count; i++) {
    let hp = "";
    if (host) {
      const span = host[1] - host[0] + 1;
      if (count > 1 && span !== count)
        throw new StatusError(
          `invalid ranges specified for container and host Ports: ${port} and ${hostPort}`,
          125,
        );
      hp = count > 1 ? String(host[0] + i) : hostPort;
    }
    out.push({
      key: `${lo + i}/${proto}`,
      binding: { HostIp: hostIp, HostPort: hp },
    });
  }
  return out;
}

/** Lays the networking flags onto a create body built by createBody(). */
export function applyNetworkFlags(
  flags: ParsedFlags,
  body: ContainerCreateBody,
): ContainerCreateBody {
  const hc = (body.HostConfig ??= {});
  const exposed: Record<string, object> = { ...(body.ExposedPorts ?? {}) };
  const bindings: Record<string, Binding[]> = {};
  for (const p of flags.list("publish"))
    for (const { key, binding } of parsePublishSpec(p)) {
      exposed[key] = {};
      (bindings[key] ??= []).push(binding);
    }
  // The base parser keeps range keys ("80-81/tcp"); drop them for the expanded ones.
  for (const k of Object.keys(exposed)) if (k.includes("-")) delete exposed[k];
  if (Object.keys(exposed).length) body.ExposedPorts = exposed;
  hc.PortBindings = bindings;
  hc.PublishAllPorts = flags.bool("publish-all");
  if (flags.list("link").length) hc.Links = flags.list("link");
  hc.DnsSearch = flags.list("dns-search");
  hc.DnsOptions = flags.list("dns-option");
  body.Domainname = flags.string("domainname") ?? "";
  const network = flags.string("network") ?? "default";
  const ip = flags.string("ip");
  const ip6 = flags.string("ip6");
  const aliases = flags.list("network-alias");
  const mac = flags.string("mac-address");
  const endpoint: Record<string, unknown> = {};
  const linkLocal = flags.list("link-local-ip");
  if (ip || ip6 || linkLocal.length)
    endpoint.IPAMConfig = {
      ...(ip ? { IPv4Address: ip } : {}),
      ...(ip6 ? { IPv6Address: ip6 } : {}),
      ...(linkLocal.length ? { LinkLocalIPs: linkLocal } : {}),
    };
  if (aliases.length) endpoint.Aliases = aliases;
  if (mac) endpoint.MacAddress = mac;
  const key = network.startsWith("container:") ? undefined : network;
  body.NetworkingConfig = {
    EndpointsConfig:
      key && Object.keys(endpoint).length ? { [key]: endpoint } : {},
  };
  return body;
}
