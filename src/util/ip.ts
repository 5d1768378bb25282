/**
 * IP addresses as numbers: an IPv4 address is a 32-bit bigint, an IPv6
 * one a 128-bit bigint, so prefixes and ranges are plain arithmetic for
 * both families (network/cidr.ts, the registry client's CIDR lists).
 */
import { isIP } from "node:net";

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

/**
 * True when ip lies in cidr ("a.b.c.d/n", "x::/n"), both of one family;
 * false for anything unparsable. A length past the width compares every bit.
 */
export function inCidr(ip: string, cidr: string): boolean {
  const [net, bitsText] = cidr.split("/");
  const bits = Number(bitsText);
  const a = parseIp(ip);
  const b = parseIp(net ?? "");
  if (!a || !b || a.family !== b.family || !Number.isInteger(bits))
    return false;
  const width = a.family === 4 ? 32 : 128;
  const shift = BigInt(width - Math.min(Math.max(bits, 0), width));
  return a.value >> shift === b.value >> shift;
}
