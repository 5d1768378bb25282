/**
 * The short syntax of a service's `volumes:` ("SOURCE:TARGET[:MODE]",
 * "TARGET" for an anonymous volume) turned into the long syntax; relative
 * bind sources are resolved against the project directory.
 */
import { homedir } from "node:os";
import { isAbsolute, resolve } from "node:path";
import type { ServiceVolume } from "../model.ts";

const isPath = (s: string): boolean =>
  s.startsWith(".") || s.startsWith("/") || s.startsWith("~");

/** Resolves "./x", "~/x" against dir; absolute paths stay. */
export function resolvePath(dir: string, p: string): string {
  if (p === "~" || p.startsWith("~/")) return homedir() + p.slice(1);
  return isAbsolute(p) ? p : resolve(dir, p);
}

/** Parses one short-syntax volume. Throws Error when malformed. */
export function parseVolume(spec: string, dir: string): ServiceVolume {
  const parts = spec.split(":");
  if (parts.length === 1) return { type: "volume", target: spec };
  if (parts.length > 3)
    throw new Error(`invalid spec: ${spec}: too many colons`);
  const [source = "", target = "", mode = ""] = parts;
  if (!target) throw new Error(`invalid spec: ${spec}: empty container path`);
  const modes = mode ? mode.split(",") : [];
  const out: ServiceVolume = isPath(source)
    ? {
        type: "bind",
        source: resolvePath(dir, source),
        target,
        bind: { create_host_path: true },
      }
    : { type: "volume", source, target };
  for (const m of modes) {
    if (m === "ro") out.read_only = true;
    else if (m === "rw") out.read_only = false;
    else if (m === "nocopy" && out.type === "volume")
      out.volume = { nocopy: true };
    else if ((m === "z" || m === "Z") && out.type === "bind")
      out.bind = { ...out.bind, selinux: m };
    else if (/^r?(shared|slave|private)$/.test(m) && out.type === "bind")
      out.bind = { ...out.bind, propagation: m };
    else throw new Error(`invalid spec: ${spec}: unknown mode ${m}`);
  }
  return out;
}

/** Normalizes a long-syntax volume (resolving a relative bind source). */
export function longVolume(
  v: Record<string, unknown>,
  dir: string,
): ServiceVolume {
  const out = { ...v } as ServiceVolume;
  if (out.type === "bind" && out.source)
    out.source = resolvePath(dir, out.source);
  return out;
}
