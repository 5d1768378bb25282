import { randomBytes } from "node:crypto";
import { InvalidArgumentError } from "../util/errors.ts";
import { formatIp, parseIp } from "../util/ip.ts";

/**
 * IP prefixes as numbers, one code path for both families: an address is a
 * bigint (32 bits for IPv4, 128 for IPv6), a prefix is its base plus a length.
 */
export type Prefix = { family: 4 | 6; base: bigint; bits: number };

/** Addresses as numbers (util/ip.ts, which the registry client shares). */
export { formatIp, parseIp };

function width(family: 4 | 6): number {
  return family === 4 ? 32 : 128;
}

/** Parses "a.b.c.d/n" (host bits are cleared). Throws InvalidArgumentError. */
export function parsePrefix(s: string): Prefix {
  const [addr, len] = s.split("/");
  const ip = addr === undefined ? undefined : parseIp(addr);
  const bits = Number(len);
  if (!ip || len === undefined || !/^\d+$/.test(len) || bits > width(ip.family))
    throw new InvalidArgumentError(`invalid CIDR address: ${s}`);
  return { family: ip.family, base: ip.value & mask(ip.family, bits), bits };
}

/** The netmask of a prefix length as a bigint. */
export function mask(family: 4 | 6, bits: number): bigint {
  const w = BigInt(width(family));
  return ((1n << w) - 1n) ^ ((1n << (w - BigInt(bits))) - 1n);
}

/** "base/bits". */
export function formatPrefix(p: Prefix): string {
  return `${formatIp(p.family, p.base)}/${p.bits}`;
}

/** Number of addresses in the prefix. */
export function sizeOf(p: Prefix): bigint {
  return 1n << BigInt(width(p.family) - p.bits);
}

/** True when the address lies inside the prefix. */
export function contains(p: Prefix, family: 4 | 6, value: bigint): boolean {
  return family === p.family && (value & mask(family, p.bits)) === p.base;
}

/** True when two prefixes share an address. */
export function overlaps(a: Prefix, b: Prefix): boolean {
  if (a.family !== b.family) return false;
  const bits = Math.min(a.bits, b.bits);
  const m = mask(a.family, bits);
  return (a.base & m) === (b.base & m);
}

/** Docker's MAC for an IPv4 address: 02:42 then the four address bytes. */
export function macFromIpv4(ip: string): string {
  const v = parseIp(ip);
  if (!v || v.family !== 4) throw new Error(`not an IPv4 address: ${ip}`);
  const bytes = [
    0x02n,
    0x42n,
    ...[24n, 16n, 8n, 0n].map((s) => (v.value >> s) & 0xffn),
  ];
  return bytes.map((b) => b.toString(16).padStart(2, "0")).join(":");
}

/** A random unicast, locally administered MAC address. */
export function randomMac(): string {
  const b = randomBytes(6);
  b[0] = (b[0]! & 0xfe) | 0x02;
  return [...b].map((x) => x.toString(16).padStart(2, "0")).join(":");
}

/** The subnets of size `size` carved out of `base`, in order (default-address-pools). */
export function* carve(base: Prefix, size: number): Generator<Prefix> {
  if (size < base.bits) return;
  const step = 1n << BigInt(width(base.family) - size);
  const count = 1n << BigInt(size - base.bits);
  for (let i = 0n; i < count; i++)
    yield { family: base.family, base: base.base + i * step, bits: size };
}
