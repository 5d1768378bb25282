/**
 * DNS message helpers over npm dns-packet: decoding a query without
 * throwing, building the embedded server's own replies (answers, empty
 * NOERROR, SERVFAIL, FORMERR) and fitting a UDP reply into the client's
 * payload size with the TC bit, as RFC 1035 §4.2.1 and RFC 6891 §6.2.3 ask.
 */
import dnsPacket, { type Answer, type DecodedPacket } from "dns-packet";

/** Response codes the server itself sends (RFC 1035 §4.1.1). */
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3 };

/** compat: Docker's embedded DNS answers with a TTL of 600 seconds (libnetwork respTTL). */
export const ANSWER_TTL = 600;

/** The payload a UDP reply may use when the query carries no EDNS OPT record. */
const CLASSIC_UDP_SIZE = 512;

/** Decodes a packet; undefined for anything malformed (the caller drops it). */
export function decodeQuery(buf: Buffer): DecodedPacket | undefined {
  try {
    const msg = dnsPacket.decode(buf);
    return msg.type === "query" ? msg : undefined;
  } catch {
    return undefined;
  }
}

/** The largest UDP reply the querier accepts: its EDNS payload size, else 512 bytes. */
export function udpLimit(query: DecodedPacket): number {
  const opt = (query.additionals ?? []).find((a) => a.type === "OPT");
  const size = opt && "udpPayloadSize" in opt ? opt.udpPayloadSize : 0;
  return Math.max(CLASSIC_UDP_SIZE, Math.min(size, 65535));
}

/**
 * Builds a reply to query with the given answers and response code. With a
 * `limit` (UDP), answers that do not fit are dropped and TC is set so the
 * client retries over TCP.
 */
export function buildReply(
  query: DecodedPacket,
  options: { answers?: Answer[]; rcode?: number; limit?: number } = {},
): Buffer {
  const answers = [...(options.answers ?? [])];
  const rd = query.flag_rd ? dnsPacket.RECURSION_DESIRED : 0;
  const own = answers.length ? dnsPacket.AUTHORITATIVE_ANSWER : 0;
  const packet = (truncated: boolean): Buffer =>
    dnsPacket.encode({
      type: "response",
      id: query.id ?? 0,
      flags:
        rd |
        own |
        dnsPacket.RECURSION_AVAILABLE |
        (truncated ? dnsPacket.TRUNCATED_RESPONSE : 0) |
        (options.rcode ?? RCODE.NOERROR),
      questions: query.questions ?? [],
      answers,
    });
  let out = packet(false);
  if (options.limit === undefined) return out;
  while (out.length > options.limit && answers.length) {
    answers.pop();
    out = packet(true);
  }
  return out;
}

/** A/AAAA answers for name with Docker's TTL. */
export function addressAnswers(
  name: string,
  type: "A" | "AAAA",
  addresses: string[],
): Answer[] {
  return addresses.map((data) => ({
    type,
    name,
    ttl: ANSWER_TTL,
    class: "IN",
    data,
  }));
}

/**
 * The address a PTR question asks about ("10.0.25.172.in-addr.arpa" →
 * "172.25.0.10", nibble form for ip6.arpa in RFC 5952 form), or undefined when the name is
 * not a complete reverse name.
 */
export function reverseAddress(name: string): string | undefined {
  const n = name.toLowerCase().replace(/\.$/, "");
  const v4 = /^((?:\d{1,3}\.){4})in-addr\.arpa$/.exec(n);
  if (v4?.[1]) return v4[1].slice(0, -1).split(".").reverse().join(".");
  const v6 = /^((?:[0-9a-f]\.){32})ip6\.arpa$/.exec(n);
  if (!v6?.[1]) return undefined;
  const hex = v6[1].replace(/\./g, "").split("").reverse().join("");
  const full = (hex.match(/.{4}/g) ?? []).join(":");
  // The URL parser prints an IPv6 literal in its canonical compressed form (RFC 5952).
  return new URL(`http://[${full}]`).hostname.slice(1, -1);
}
