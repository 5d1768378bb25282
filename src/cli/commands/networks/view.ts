/** The `network ls` row context, as Docker's networkContext builds it. */
import type { NetworkInspect } from "../../../client/index.ts";

/** Header text per field; `Label` heads its column with the key's last segment. */
export const NETWORK_HEADERS: Record<string, unknown> = {
  Label: (key: string) => (key.split(".").pop() ?? "").replace(/[-_]/g, " "),
  ID: "NETWORK ID",
  Name: "NAME",
  Driver: "DRIVER",
  Scope: "SCOPE",
  IPv4: "IPV4",
  IPv6: "IPV6",
  Internal: "INTERNAL",
  Labels: "LABELS",
  CreatedAt: "CREATED AT",
};

/** The default `network ls` table. */
export const NETWORK_TABLE =
  "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}";

/** Go's time.Time String() of an RFC 3339 timestamp, in UTC with nanoseconds trimmed of trailing zeros. */
function goTimeString(rfc3339: string): string {
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(\.\d+)?/.exec(rfc3339);
  if (!m) return rfc3339;
  const frac = (m[3] ?? "").replace(/0+$/, "");
  return `${m[1]} ${m[2]}${frac === "." ? "" : frac} +0000 UTC`;
}

/** One row (trunc false = --no-trunc). */
export function networkRow(
  n: NetworkInspect,
  trunc: boolean,
): Record<string, unknown> {
  const labels = n.Labels ?? {};
  const row: Record<string, unknown> = {
    ID: trunc ? n.Id.slice(0, 12) : n.Id,
    Name: n.Name,
    Driver: n.Driver,
    Scope: n.Scope,
    // compat: an API before 1.48 has no EnableIPv4 field, and the CLI then shows true.
    IPv4: String(n.EnableIPv4 ?? true),
    IPv6: String(n.EnableIPv6),
    Internal: String(n.Internal),
    Labels: Object.entries(labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(","),
    CreatedAt: goTimeString(n.Created),
  };
  // compat: {{.Label "key"}} is a method in Docker's context.
  Object.defineProperty(row, "Label", {
    value: (k: string) => labels[k] ?? "",
    enumerable: false,
  });
  return row;
}

/** Docker's natural order of names (sortorder.NaturalLess): digit runs compare as numbers. */
export function naturalLess(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true, sensitivity: "variant" });
}
