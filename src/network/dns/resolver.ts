/**
 * What the embedded DNS server answers, following libnetwork's resolver.go:
 * A and AAAA for names the lookup knows (case-insensitive, with or without
 * the trailing dot), rotated per name for round robin, TTL 600; AAAA for a
 * known name without IPv6 is an empty NOERROR; PTR for container addresses
 * when a reverse lookup is given; everything else goes to the upstreams in
 * order, and SERVFAIL when none answers.
 */
import type { DecodedPacket } from "dns-packet";
import type { Logger } from "../../util/log.ts";
import { errorMessage } from "../../util/errors.ts";
import { isIP } from "node:net";
import {
  RCODE,
  ANSWER_TTL,
  addressAnswers,
  buildReply,
  decodeQuery,
  reverseAddress,
  udpLimit,
} from "./message.ts";
import {
  forwardTcp,
  forwardUdp,
  parseUpstream,
  type Upstream,
} from "./forward.ts";

/**
 * Resolves a container-visible name: the addresses of the asked family, an
 * empty list when the name is ours but has none of that family, or undefined
 * when the name is not ours (the query is then forwarded). `client` is the
 * asking container's address, `local` the server address it asked (the
 * network's gateway), which together scope the answer to its networks.
 */
export type DnsLookup = (q: {
  name: string;
  type: "A" | "AAAA";
  client: string;
  local: string;
}) => string[] | undefined;

/** Reverse lookup for PTR: the name for an address the asker may see, or undefined to forward. */
export type DnsReverse = (q: {
  address: string;
  client: string;
  local: string;
}) => string | undefined;

/** Options shared by the resolver and the server. */
export type ResolverOptions = {
  lookup: DnsLookup;
  /** Upstream resolvers as "ip" or "ip:port", asked in order. */
  upstreams: () => string[];
  log: Logger;
  reverse?: DnsReverse;
  /** How long to wait for each upstream, in ms (libnetwork's extIOTimeout is 4 s). */
  forwardTimeoutMs?: number;
};

/** Where a query came from. */
export type QueryContext = {
  client: string;
  local: string;
  localPort: number;
  tcp: boolean;
};

// compat: libnetwork moves to the next upstream on SERVFAIL and REFUSED and relays anything else.
const NEXT_UPSTREAM = new Set([RCODE.SERVFAIL, 5]);

/** Answers DNS queries; one instance serves every bound address. */
export class Resolver {
  #o: ResolverOptions;
  #turn = new Map<string, number>();

  constructor(options: ResolverOptions) {
    this.#o = options;
  }

  /** The reply to one query message, or undefined to drop it (malformed or not a query). Throws only what lookup or reverse throw. */
  async answer(buf: Buffer, ctx: QueryContext): Promise<Buffer | undefined> {
    const query = decodeQuery(buf);
    if (!query) return undefined;
    const limit = ctx.tcp ? undefined : udpLimit(query);
    const reply = (o: Parameters<typeof buildReply>[1]): Buffer =>
      buildReply(query, limit === undefined ? o : { ...o, limit });
    const q = query.questions?.[0];
    if (!q || query.questions?.length !== 1)
      return reply({ rcode: RCODE.FORMERR });
    const name = q.name.toLowerCase().replace(/\.$/, "");
    if ((q.class ?? "IN") === "IN" && (q.type === "A" || q.type === "AAAA")) {
      const found = this.#o.lookup({ name, type: q.type, ...this.#at(ctx) });
      const family = q.type === "A" ? 4 : 6;
      const own = found?.filter((a) => isIP(a) === family);
      if (own?.length)
        return reply({
          answers: addressAnswers(q.name, q.type, this.#rotate(name, own)),
        });
      // compat: a known name with no IPv6 gets an empty NOERROR for AAAA; an A miss is forwarded.
      if (found && q.type === "AAAA") return reply({});
    }
    if ((q.class ?? "IN") === "IN" && q.type === "PTR" && this.#o.reverse) {
      const address = reverseAddress(q.name);
      const target = address
        ? this.#o.reverse({ address, ...this.#at(ctx) })
        : undefined;
      if (target)
        return reply({
          answers: [
            {
              type: "PTR",
              name: q.name,
              ttl: ANSWER_TTL,
              class: "IN",
              data: target,
            },
          ],
        });
    }
    return (
      (await this.#forward(buf, query, ctx)) ?? reply({ rcode: RCODE.SERVFAIL })
    );
  }

  #at(ctx: QueryContext): { client: string; local: string } {
    return { client: ctx.client, local: ctx.local };
  }

  /** Rotates the addresses one step per query of the name (round robin over clients' first choice). */
  #rotate(name: string, addresses: string[]): string[] {
    if (addresses.length < 2) return addresses;
    const turn = this.#turn.get(name) ?? 0;
    if (this.#turn.size > 4096) this.#turn.clear();
    this.#turn.set(name, turn + 1);
    const k = turn % addresses.length;
    return [...addresses.slice(k), ...addresses.slice(0, k)];
  }

  async #forward(
    buf: Buffer,
    query: DecodedPacket,
    ctx: QueryContext,
  ): Promise<Buffer | undefined> {
    const upstreams = this.#o
      .upstreams()
      .map(parseUpstream)
      .filter((u): u is Upstream => u !== undefined)
      // Never forward to ourselves: the address the query arrived on would loop.
      .filter((u) => !(u.host === ctx.local && u.port === ctx.localPort));
    const timeout = this.#o.forwardTimeoutMs ?? 4000;
    for (const u of upstreams) {
      try {
        const res = ctx.tcp
          ? await forwardTcp(buf, u, timeout)
          : await forwardUdp(buf, u, timeout);
        this.#o.log.debug("dns: forwarded", {
          upstream: `${u.host}:${u.port}`,
          question: query.questions?.[0]?.name,
          client: ctx.client,
          rcode: res.length >= 12 ? res.readUInt16BE(2) & 0xf : "short",
        });
        if (res.length < 12) continue;
        if (NEXT_UPSTREAM.has(res.readUInt16BE(2) & 0xf)) continue;
        return res;
      } catch (err) {
        this.#o.log.debug("dns: upstream failed", {
          upstream: `${u.host}:${u.port}`,
          question: query.questions?.[0]?.name,
          error: errorMessage(err),
        });
      }
    }
    return undefined;
  }
}
