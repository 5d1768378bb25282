import { randomBytes } from "node:crypto";
import { isIP } from "node:net";
import { InvalidArgumentError } from "../util/errors.ts";

/**
 * IP prefixes as numbers, one code path for both families: an address is a
 * bigint (32 bits for IPv4, 128 for IPv6), a prefix is its base plus a length.
 */
export type Prefix = { family: 4 | 6; base: bigint; bits: number };

/** The address as a bigint, or undefined when s is not an IP address. */
export function parseIp(
  s: string,
): { family: 4 | 6; value: bigint } | undefined {
  const kind = isIP(s);
  if (kind === 4)
    return {
      family: 4,
      value: s
        .split(".")
        .reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n),
    };
  if (kind !== 6) return undefined;
  let text = s;
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hex groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = parseIp(v4[1]!)!.value;
    text =
      text.slice(0, -v4[1]!.length) +
      `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.split("::") as [string, string | undefined];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups =
    tail === undefined
      ? h
      : [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t];
  return {
    family: 6,
    value: groups.reduce(
      (acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)),
      0n,
    ),
  };
}

/** Formats an address of the family (IPv6 compressed as RFC 5952). */
export function formatIp(family: 4 | 6, value: bigint): string {
  if (family === 4)
    return [24n, 16n, 8n, 0n]
      .map((s) => String((value >> s) & 0xffn))
      .join(".");
  const groups = [];
  for (let i = 7n; i >= 0n; i--)
    groups.push(((value >> (i * 16n)) & 0xffffn).toString(16));
  // The longest run of two or more zero groups becomes "::".
  let best = -1;
  let len = 0;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > len && j - i > 1) [best, len] = [i, j - i];
    i = j > i ? j : i + 1;
  }
  if (best < 0) return groups.join(":");
  return `${groups.slice(0, best).join(":")}::${groups.slice(best + len).join(":")}`;
}

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
