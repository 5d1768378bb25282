/**
 * `network create`'s --subnet/--ip-range/--gateway/--aux-address pairing into
 * IPAM pools, as the Docker CLI's consolidateIpam does: each range, gateway
 * and aux address goes to the subnet holding it; subnets must not overlap.
 */
import { isIP } from "node:net";
import type { NetworkIpamConfig } from "../../../client/index.ts";
import { StatusError } from "../../command.ts";

/** An address as a number with its width in bits; undefined when not an IP address. */
function toBits(ip: string): { value: bigint; bits: number } | undefined {
  const family = isIP(ip);
  if (family === 4)
    return {
      value: ip.split(".").reduce((a, p) => (a << 8n) | BigInt(p), 0n),
      bits: 32,
    };
  if (family !== 6) return undefined;
  const [head = "", tail] = ip.split("::");
  const words = (s: string): string[] => (s ? s.split(":") : []);
  const h = words(head);
  const t = tail === undefined ? [] : words(tail);
  const all = [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t];
  return {
    value: all.reduce((a, w) => (a << 16n) | BigInt(`0x${w || "0"}`), 0n),
    bits: 128,
  };
}

/** Parses a CIDR; throws StatusError with Go's wording ("invalid CIDR address: x"). */
function cidr(s: string): { value: bigint; bits: number; prefix: number } {
  const [ip = "", len] = s.split("/");
  const a = toBits(ip);
  const prefix = Number(len);
  if (!a || len === undefined || !/^\d+$/.test(len) || prefix > a.bits)
    throw new StatusError(`invalid CIDR address: ${s}`, 1);
  return { ...a, prefix };
}

/** True when data (an address or a CIDR's address) lies in subnet. Throws StatusError for bad input. */
export function subnetContains(subnet: string, data: string): boolean {
  let s;
  try {
    s = cidr(subnet);
  } catch (err) {
    throw new StatusError(`invalid subnet: ${(err as Error).message}`, 1);
  }
  const d = data.includes("/") ? cidr(data) : toBits(data);
  if (!d || d.bits !== s.bits) return false;
  const shift = BigInt(s.bits - s.prefix);
  return d.value >> shift === s.value >> shift;
}

/** Builds the IPAM pools in subnet order. Throws StatusError (exit 1) in the Docker CLI's words. */
export function consolidateIpam(
  subnets: string[],
  ranges: string[],
  gateways: string[],
  aux: [string, string][],
): NetworkIpamConfig[] {
  const fail = (msg: string): never => {
    throw new StatusError(msg, 1);
  };
  if (subnets.length < ranges.length || subnets.length < gateways.length)
    fail("every ip-range or gateway must have a corresponding subnet");
  const pools = new Map<string, NetworkIpamConfig>();
  for (const s of subnets) {
    for (const k of pools.keys())
      if (subnetContains(s, k) || subnetContains(k, s))
        fail("multiple overlapping subnet configuration is not supported");
    pools.set(s, { Subnet: s });
  }
  const place = (
    value: string,
    field: "IPRange" | "Gateway",
    what: string,
  ): void => {
    let match = false;
    for (const [s, pool] of pools) {
      if (!subnetContains(s, value)) continue;
      const had = pool[field];
      if (had)
        fail(
          field === "IPRange"
            ? `cannot configure multiple ranges (${value}, ${had}) on the same subnet (${s})`
            : `cannot configure multiple gateways (${value}, ${had}) for the same subnet (${s})`,
        );
      pool[field] = value;
      match = true;
    }
    if (!match) fail(`no matching subnet for ${what} ${value}`);
  };
  for (const r of ranges) place(r, "IPRange", "range");
  for (const g of gateways) place(g, "Gateway", "gateway");
  for (const [key, addr] of aux) {
    let match = false;
    for (const [s, pool] of pools)
      if (subnetContains(s, addr)) {
        (pool.AuxiliaryAddresses ??= {})[key] = addr;
        match = true;
      }
    if (!match) fail(`no matching subnet for aux-address ${addr}`);
  }
  return [...pools.values()];
}

/** Splits repeated key=value flags into pairs ("key" alone maps to ""), as Docker's MapOpts does. */
export function keyValues(values: string[]): [string, string][] {
  return values.map((v) => {
    const eq = v.indexOf("=");
    return eq < 0 ? [v, ""] : [v.slice(0, eq), v.slice(eq + 1)];
  });
}
