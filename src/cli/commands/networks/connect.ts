/** `wharf network connect` and `wharf network disconnect`, and `network inspect`. */
import { FORMAT_FLAG } from "../each.ts";
import type { NetworkEndpointConfig } from "../../../client/index.ts";
import type { Command } from "../../command.ts";
import type { ParsedFlags } from "../../flags.ts";
import { inspectObjects } from "../system/inspect.ts";
import { keyValues } from "./ipam.ts";

/** The endpoint settings connect sends, as the Docker CLI fills them. */
export function endpointConfig(f: ParsedFlags): NetworkEndpointConfig {
  const ipam: NonNullable<NetworkEndpointConfig["IPAMConfig"]> = {};
  const ip = f.string("ip");
  const ip6 = f.string("ip6");
  if (ip) ipam.IPv4Address = ip;
  if (ip6) ipam.IPv6Address = ip6;
  if (f.list("link-local-ip").length)
    ipam.LinkLocalIPs = f.list("link-local-ip");
  const e: NetworkEndpointConfig = { IPAMConfig: ipam };
  if (f.list("link").length) e.Links = f.list("link");
  if (f.list("alias").length) e.Aliases = f.list("alias");
  if (f.list("driver-opt").length)
    e.DriverOpts = Object.fromEntries(keyValues(f.list("driver-opt")));
  const priority = f.int("gw-priority");
  if (priority) e.GwPriority = priority;
  return e;
}

/** Connects a container to a network; prints nothing. */
export const connect: Command = {
  usage: "[OPTIONS] NETWORK CONTAINER",
  short: "Connect a container to a network",
  flags: [
    {
      name: "alias",
      type: "list",
      description: "Add network-scoped alias for the container",
    },
    {
      name: "driver-opt",
      type: "list",
      description: "driver options for the network",
    },
    {
      name: "gw-priority",
      type: "int",
      description:
        "Highest gw-priority provides the default gateway. Accepts positive and negative values.",
    },
    {
      name: "ip",
      type: "string",
      description: 'IPv4 address (e.g., "172.30.100.104")',
    },
    {
      name: "ip6",
      type: "string",
      description: 'IPv6 address (e.g., "2001:db8::33")',
    },
    {
      name: "link",
      type: "list",
      description: "Add link to another container",
    },
    {
      name: "link-local-ip",
      type: "list",
      description: "Add a link-local address for the container",
    },
  ],
  args: { min: 2, max: 2 },
  action: async (ctx) => {
    const [network = "", container = ""] = ctx.args;
    await ctx
      .client()
      .networks.connect(network, container, endpointConfig(ctx.flags));
  },
};

/** Disconnects a container from a network; prints nothing. */
export const disconnect: Command = {
  usage: "[OPTIONS] NETWORK CONTAINER",
  short: "Disconnect a container from a network",
  flags: [
    {
      name: "force",
      short: "f",
      type: "bool",
      description: "Force the container to disconnect from a network",
    },
  ],
  args: { min: 2, max: 2 },
  action: async (ctx) => {
    const [network = "", container = ""] = ctx.args;
    await ctx.client().networks.disconnect(network, container, {
      force: ctx.flags.bool("force"),
    });
  },
};

/** Prints networks' inspect JSON or --format lines. */
export const inspect: Command = {
  usage: "[OPTIONS] NETWORK [NETWORK...]",
  short: "Display detailed information on one or more networks",
  flags: [
    FORMAT_FLAG,
    {
      name: "verbose",
      short: "v",
      type: "bool",
      description: "Verbose output for diagnostics",
    },
  ],
  args: { min: 1 },
  // compat: --verbose adds only swarm service and peer details, which local networks do not have.
  action: (ctx) => inspectObjects(ctx, ["network"]),
};
