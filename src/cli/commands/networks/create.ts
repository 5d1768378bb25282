/** `wharf network create [OPTIONS] NETWORK`. */
import type { NetworkCreateBody } from "../../../client/index.ts";
import type { Command } from "../../command.ts";
import { flagSpec, type FlagSpec, type ParsedFlags } from "../../flags.ts";
import { consolidateIpam, keyValues } from "./ipam.ts";

const list = (name: string, description: string, short?: string): FlagSpec =>
  flagSpec("list", name, description, short);
const bool = (name: string, description: string): FlagSpec =>
  flagSpec("bool", name, description);

/** The flags of network create, Docker's names and defaults. */
export const CREATE_FLAGS: FlagSpec[] = [
  {
    name: "driver",
    short: "d",
    type: "string",
    description: "Driver to manage the Network",
    default: "bridge",
  },
  list("opt", "Set driver specific options", "o"),
  list("label", "Set metadata on a network"),
  bool("internal", "Restrict external access to the network"),
  bool("attachable", "Enable manual container attachment"),
  bool("ingress", "Create swarm routing-mesh network"),
  { name: "scope", type: "string", description: "Control the network's scope" },
  {
    name: "config-from",
    type: "string",
    description: "The network from which to copy the configuration",
  },
  bool("config-only", "Create a configuration only network"),
  {
    name: "ipam-driver",
    type: "string",
    description: "IP Address Management Driver",
    default: "default",
  },
  list("subnet", "Subnet in CIDR format that represents a network segment"),
  list("ip-range", "Allocate container ip from a sub-range"),
  list("gateway", "IPv4 or IPv6 Gateway for the master subnet"),
  list(
    "aux-address",
    "Auxiliary IPv4 or IPv6 addresses used by Network driver",
  ),
  list("ipam-opt", "Set IPAM driver specific options"),
  {
    name: "ipv4",
    type: "bool",
    description: "Enable or disable IPv4 address assignment",
    default: true,
  },
  bool("ipv6", "Enable or disable IPv6 address assignment"),
];

/** Translates the parsed flags into the create body; throws StatusError for bad IPAM input. */
export function createBody(name: string, f: ParsedFlags): NetworkCreateBody {
  const map = (flag: string): Record<string, string> =>
    Object.fromEntries(keyValues(f.list(flag)));
  const config = consolidateIpam(
    f.list("subnet"),
    f.list("ip-range"),
    f.list("gateway"),
    keyValues(f.list("aux-address")),
  );
  const body: NetworkCreateBody = {
    Name: name,
    Driver: f.string("driver") ?? "bridge",
    Options: map("opt"),
    IPAM: {
      Driver: f.string("ipam-driver") ?? "default",
      Config: config,
      Options: map("ipam-opt"),
    },
    Internal: f.bool("internal"),
    Attachable: f.bool("attachable"),
    Ingress: f.bool("ingress"),
    ConfigOnly: f.bool("config-only"),
    Labels: map("label"),
  };
  const scope = f.string("scope");
  if (scope) body.Scope = scope;
  const from = f.string("config-from");
  if (from) body.ConfigFrom = { Network: from };
  // compat: the CLI sends EnableIPv4/EnableIPv6 only when the flag was given, so the daemon's default applies otherwise.
  if (f.changed("ipv4")) body.EnableIPv4 = f.bool("ipv4");
  if (f.changed("ipv6")) body.EnableIPv6 = f.bool("ipv6");
  return body;
}

/** Creates a network and prints its id; a daemon warning goes to stderr. */
export const create: Command = {
  usage: "[OPTIONS] NETWORK",
  short: "Create a network",
  flags: CREATE_FLAGS,
  args: { min: 1, max: 1 },
  action: async (ctx) => {
    const body = createBody(ctx.args[0] ?? "", ctx.flags);
    const r = await ctx.client().networks.create(body);
    if (r.Warning) ctx.io.stderr.write(`Warning: ${r.Warning}\n`);
    ctx.io.stdout.write(`${r.Id}\n`);
  },
};
