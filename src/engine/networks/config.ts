import { createHash } from "node:crypto";
import { InvalidArgumentError } from "../../util/errors.ts";
import { parsePrefix } from "../../network/cidr.ts";

/** The daemon options of networking, with dockerd's daemon.json names in comments. */
export type NetworkOptions = {
  /** "bridge": the default bridge's device ("none" disables the default bridge). */
  bridge: string;
  /** "bip": the default bridge's gateway address with prefix, e.g. "172.20.0.1/16". */
  bip: string;
  /** "fixed-cidr": the part of the default bridge's subnet containers get addresses from. */
  fixedCidr: string;
  /** "default-address-pools": where subnets of new networks come from. */
  defaultAddressPools: { base: string; size: number }[];
  /** "iptables": false installs no firewall rules at all. */
  iptables: boolean;
  /** "ip-forward": enable net.ipv4.ip_forward at start. */
  ipForward: boolean;
  /** "ip-masq": masquerade traffic leaving bridge networks. */
  ipMasq: boolean;
  /** "icc": traffic between containers of the default bridge. */
  icc: boolean;
  /**
   * "userland-proxy": wharfd listens on each published host port (holding
   * it) and forwards what nftables does not DNAT: connections from
   * containers, and everything when iptables is false (network/proxy.ts).
   * Default true, as Docker.
   */
  userlandProxy: boolean;
  /** "dns": nameservers for containers instead of the host's. */
  dns: string[];
  /**
   * "nft-table" (wharf's own key): the nftables table and netns name prefix.
   * Default "wharf"; with a non-default exec root bridge and table default
   * to names derived from it.
   */
  nftTable: string;
};

/** daemon.json keys this module reads. */
export const NETWORK_KEYS = [
  "bridge",
  "bip",
  "fixed-cidr",
  "default-address-pools",
  "iptables",
  "ip-forward",
  "ip-masq",
  "icc",
  "userland-proxy",
  "dns",
  "nft-table",
];

/** Docker's default pools: 172.17–31.0.0/16, then 192.168.0.0/16 in /20s. */
export const DEFAULT_POOLS = [
  { base: "172.17.0.0/16", size: 16 },
  { base: "172.18.0.0/16", size: 16 },
  { base: "172.19.0.0/16", size: 16 },
  { base: "172.20.0.0/14", size: 16 },
  { base: "172.24.0.0/14", size: 16 },
  { base: "172.28.0.0/14", size: 16 },
  { base: "192.168.0.0/16", size: 20 },
];

/**
 * Reads the networking keys of daemon.json (values as parsed JSON).
 * Throws InvalidArgumentError naming the key for a bad value.
 */
export function networkOptions(
  raw: Record<string, unknown>,
  context: { execRoot?: string } = {},
): NetworkOptions {
  const str = (k: string, d: string): string => {
    const v = raw[k];
    if (v === undefined) return d;
    if (typeof v !== "string") throw bad(k, "must be a string");
    return v;
  };
  const bool = (k: string, d: boolean): boolean => {
    const v = raw[k];
    if (v === undefined) return d;
    if (typeof v !== "boolean") throw bad(k, "must be true or false");
    return v;
  };
  const pools = raw["default-address-pools"];
  let defaultAddressPools = DEFAULT_POOLS;
  if (pools !== undefined) {
    if (!Array.isArray(pools))
      throw bad("default-address-pools", "must be a list");
    defaultAddressPools = pools.map((p: unknown) => {
      const o = p as { base?: unknown; size?: unknown };
      if (typeof o?.base !== "string" || typeof o.size !== "number")
        throw bad("default-address-pools", 'entries need "base" and "size"');
      parsePrefix(o.base);
      return { base: o.base, size: o.size };
    });
  }
  const dns = raw.dns ?? [];
  if (!Array.isArray(dns) || !dns.every((d) => typeof d === "string"))
    throw bad("dns", "must be a list of strings");
  // A daemon on another exec root (tests, a second instance) gets its own
  // bridge and table, so it never rewrites the main daemon's rules.
  const own =
    context.execRoot && context.execRoot !== "/run/wharf"
      ? createHash("sha256").update(context.execRoot).digest("hex").slice(0, 6)
      : "";
  const o: NetworkOptions = {
    bridge: str("bridge", own ? `wharf${own}` : "wharf0"),
    bip: str("bip", ""),
    fixedCidr: str("fixed-cidr", ""),
    defaultAddressPools,
    iptables: bool("iptables", true),
    ipForward: bool("ip-forward", true),
    ipMasq: bool("ip-masq", true),
    icc: bool("icc", true),
    userlandProxy: bool("userland-proxy", true),
    dns,
    nftTable: str("nft-table", own ? `wharf_${own}` : "wharf"),
  };
  if (o.bip) parsePrefix(o.bip);
  if (o.fixedCidr) parsePrefix(o.fixedCidr);
  if (!/^[A-Za-z][A-Za-z0-9_-]{0,30}$/.test(o.nftTable))
    throw bad("nft-table", "must be a short name");
  return o;
}

function bad(key: string, why: string): InvalidArgumentError {
  return new InvalidArgumentError(`invalid value for "${key}": ${why}`);
}
