import {
  carve,
  contains,
  formatIp,
  overlaps,
  parseIp,
  parsePrefix,
  sizeOf,
  type Prefix,
} from "../../network/cidr.ts";
import {
  ConflictError,
  InvalidArgumentError,
  UnavailableError,
} from "../../util/errors.ts";

/**
 * The addresses of one subnet: the network address, the IPv4 broadcast and
 * the gateway are never handed out; dynamic addresses come from the range
 * (--ip-range, fixed-cidr) lowest first, so released ones are reused.
 * In memory only: the owner rebuilds it from persisted endpoints at start.
 */
export class IpPool {
  readonly subnet: Prefix;
  readonly range: Prefix;
  #used = new Set<bigint>();

  constructor(subnet: string, options: { gateway: string; range?: string }) {
    this.subnet = parsePrefix(subnet);
    this.range = options.range ? parsePrefix(options.range) : this.subnet;
    const gw = parseIp(options.gateway);
    if (gw) this.#used.add(gw.value);
  }

  /** Takes the lowest free address of the range. Throws UnavailableError when full. */
  allocate(what: string): string {
    const first = this.range.base;
    const last = this.range.base + sizeOf(this.range) - 1n;
    for (let v = first; v <= last; v++) {
      if (this.#reservedEdge(v) || this.#used.has(v)) continue;
      this.#used.add(v);
      return formatIp(this.subnet.family, v);
    }
    // compat: moby's ipam error text.
    throw new UnavailableError(
      `no available IPv${this.subnet.family} addresses on this network's address pools: ${what}`,
    );
  }

  /** Takes a given address. Throws InvalidArgumentError outside the subnet, ConflictError when taken. */
  reserve(address: string): void {
    const ip = parseIp(address);
    if (
      !ip ||
      !contains(this.subnet, ip.family, ip.value) ||
      this.#reservedEdge(ip.value)
    )
      throw new InvalidArgumentError(
        `no configured subnet or ip-range contain the IP address ${address}`,
      );
    if (this.#used.has(ip.value))
      throw new ConflictError("Address already in use");
    this.#used.add(ip.value);
  }

  /** Gives an address back; unknown ones are ignored. */
  release(address: string): void {
    const ip = parseIp(address);
    if (ip) this.#used.delete(ip.value);
  }

  /** True when the address lies in this pool's subnet. */
  has(address: string): boolean {
    const ip = parseIp(address);
    return ip !== undefined && contains(this.subnet, ip.family, ip.value);
  }

  #reservedEdge(v: bigint): boolean {
    if (v === this.subnet.base) return true;
    return (
      this.subnet.family === 4 &&
      this.subnet.bits < 31 &&
      v === this.subnet.base + sizeOf(this.subnet) - 1n
    );
  }
}

/**
 * The first subnet of the pools that overlaps none of `taken` (host routes
 * and existing networks). Throws UnavailableError with Docker's text when
 * every pool is used up.
 */
export function pickSubnet(
  pools: { base: string; size: number }[],
  taken: Prefix[],
  family: 4 | 6 = 4,
): Prefix {
  for (const pool of pools) {
    const base = parsePrefix(pool.base);
    if (base.family !== family) continue;
    for (const p of carve(base, pool.size))
      if (!taken.some((t) => overlaps(t, p))) return p;
  }
  // compat: moby's error when the default pools are exhausted.
  throw new UnavailableError(
    "all predefined address pools have been fully subnetted",
  );
}

/** The gateway Docker picks for a subnet: its first address. */
export function firstHost(p: Prefix): string {
  return formatIp(p.family, p.base + 1n);
}
