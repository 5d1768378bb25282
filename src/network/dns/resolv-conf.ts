/** Reading the host's resolvers from resolv.conf (resolv.conf(5)), the embedded DNS server's default upstreams. */
import { readFileSync } from "node:fs";
import { isIP } from "node:net";

/** The nameserver addresses in resolv.conf text, in order; scope ids (fe80::1%eth0) are kept. */
export function parseNameservers(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split("\n")) {
    const [key, value] = line
      .replace(/[#;].*$/, "")
      .trim()
      .split(/\s+/);
    if (key !== "nameserver" || !value) continue;
    if (isIP(value.replace(/%.*$/, ""))) out.push(value);
  }
  return out;
}

/**
 * The host's nameservers from path (default /etc/resolv.conf); an empty list
 * when the file is missing or unreadable (the server then answers SERVFAIL
 * for names it does not know).
 */
export function hostNameservers(path = "/etc/resolv.conf"): string[] {
  try {
    return parseNameservers(readFileSync(path, "utf8"));
  } catch {
    return [];
  }
}
