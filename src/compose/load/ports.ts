/**
 * The short syntax of `ports:` ("[[HOST_IP:]PUBLISHED:]TARGET[/PROTOCOL]",
 * ranges "8000-8001:80-81") turned into the long syntax, one entry per port.
 */
import type { PortConfig } from "../model.ts";

function range(text: string): [number, number] | undefined {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) return undefined;
  const a = Number(m[1]);
  return [a, m[2] === undefined ? a : Number(m[2])];
}

/** Parses one short-syntax port. Throws Error with compose's wording when malformed. */
export function parsePort(spec: string | number): PortConfig[] {
  let text = String(spec);
  let protocol = "tcp";
  const slash = text.lastIndexOf("/");
  if (slash >= 0) {
    protocol = text.slice(slash + 1);
    text = text.slice(0, slash);
  }
  let hostIp: string | undefined;
  // [v6]:published:target
  const v6 = /^\[([^\]]+)\]:(.*)$/.exec(text);
  if (v6) {
    hostIp = v6[1];
    text = v6[2] ?? "";
  }
  const parts = text.split(":");
  if (!hostIp && parts.length === 3) hostIp = parts.shift();
  if (parts.length > 2) throw new Error(`invalid port "${String(spec)}"`);
  const target = range(parts.at(-1) ?? "");
  const published = parts.length === 2 ? (parts[0] ?? "") : undefined;
  if (!target) throw new Error(`invalid containerPort: ${parts.at(-1) ?? ""}`);
  const pub = published ? range(published) : undefined;
  if (published && !pub) throw new Error(`invalid hostPort: ${published}`);
  const count = target[1] - target[0] + 1;
  if (pub && pub[1] - pub[0] + 1 !== count && pub[0] !== pub[1])
    throw new Error(
      `invalid port "${String(spec)}": ranges must have the same size`,
    );
  const out: PortConfig[] = [];
  for (let i = 0; i < count; i++) {
    const p: PortConfig = { target: target[0] + i, protocol, mode: "ingress" };
    if (pub)
      p.published = String(
        pub[0] === pub[1] && count > 1 ? `${pub[0]}` : pub[0] + i,
      );
    if (hostIp) p.host_ip = hostIp;
    out.push(p);
  }
  return out;
}
