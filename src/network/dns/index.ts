/** The embedded DNS server's surface. */
export { DnsServer } from "./server.ts";
export type { DnsLookup, DnsReverse, ResolverOptions } from "./resolver.ts";
export { hostNameservers, parseNameservers } from "./resolv-conf.ts";
export { parseUpstream } from "./forward.ts";
