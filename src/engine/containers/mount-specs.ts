import { isAbsolute, posix } from "node:path";
import type { HostConfig, MountSpec } from "../../api/containers.ts";
import {
  InvalidArgumentError,
  NotImplementedError,
} from "../../util/errors.ts";

/**
 * One mount the create body asks for, parsed and validated but not yet
 * resolved: volumes are not created and host paths not checked.
 */
export type MountRequest =
  | {
      type: "bind";
      source: string;
      destination: string;
      rw: boolean;
      mode: string;
      propagation: string;
      /** -v creates a missing host path; --mount refuses it. */
      createSource: boolean;
      recursive: boolean;
    }
  | {
      type: "volume";
      /** Undefined for an anonymous volume. */
      name: string | undefined;
      destination: string;
      rw: boolean;
      mode: string;
      /** Undefined: the existing volume's driver, or local for a new one. */
      driver: string | undefined;
      driverOpts: Record<string, string>;
      labels: Record<string, string>;
      /** Copy the image's content at destination into an empty volume. */
      copy: boolean;
    }
  | { type: "tmpfs"; destination: string; rw: boolean; options: string[] };

const PROPAGATIONS = new Set([
  "shared",
  "rshared",
  "slave",
  "rslave",
  "private",
  "rprivate",
]);
const MODES = new Set([
  "rw",
  "ro",
  "z",
  "Z",
  "nocopy",
  "consistent",
  "cached",
  "delegated",
  ...PROPAGATIONS,
]);

function checkDestination(dest: string, kind: string, spec?: string): string {
  const where = spec ? `invalid volume specification: '${spec}': ` : "";
  if (!dest)
    throw new InvalidArgumentError(
      `${where}invalid mount config for type "${kind}": field Target must not be empty`,
    );
  if (!isAbsolute(dest))
    throw new InvalidArgumentError(
      `${where}invalid mount config for type "${kind}": invalid mount path: '${dest}' mount path must be absolute`,
    );
  const clean = posix.normalize(dest).replace(/(.)\/$/, "$1");
  if (clean === "/")
    throw new InvalidArgumentError(
      "invalid specification: destination can't be '/'",
    );
  return clean;
}

/**
 * Parses one HostConfig.Binds entry, `[src:]dst[:mode]` (moby
 * volume/mounts/linux_parser.go): src starting with `/` is a host path,
 * anything else a volume name (checked later, with Docker's message).
 */
export function parseBind(
  spec: string,
  volumeDriver: string | undefined,
): MountRequest {
  const parts = spec.split(":");
  if (parts.length > 3 || parts.some((p) => p === ""))
    throw new InvalidArgumentError(`invalid volume specification: '${spec}'`);
  const [a, b, c] = parts as [string, string?, string?];
  const src = b === undefined ? "" : a;
  const dst = b === undefined ? a : b;
  const mode = c ?? "";
  const words = mode ? mode.split(",") : [];
  for (const w of words)
    if (!MODES.has(w))
      throw new InvalidArgumentError(
        `invalid volume specification: '${spec}': invalid mode: ${mode}`,
      );
  const rw = !words.includes("ro");
  const isBind = src.startsWith("/");
  const destination = checkDestination(dst, isBind ? "bind" : "volume", spec);
  if (isBind)
    return {
      type: "bind",
      source: posix.normalize(src),
      destination,
      rw,
      mode,
      propagation: words.find((w) => PROPAGATIONS.has(w)) ?? "rprivate",
      createSource: true,
      recursive: true,
    };
  return {
    type: "volume",
    name: src || undefined,
    destination,
    rw,
    // compat: Docker reports "z" for a named -v volume without a mode.
    mode: src && !mode ? "z" : mode,
    driver: volumeDriver,
    driverOpts: {},
    labels: {},
    copy: !words.includes("nocopy"),
  };
}

/** Parses one HostConfig.Mounts entry (the --mount flag), with Docker's errors. */
export function parseMountSpec(
  m: MountSpec,
  volumeDriver: string | undefined,
): MountRequest {
  const type = m.Type ?? "";
  const bad = (why: string): InvalidArgumentError =>
    new InvalidArgumentError(`invalid mount config for type "${type}": ${why}`);
  if (type === "bind") {
    if (!m.Source) throw bad("field Source must not be empty");
    if (!isAbsolute(m.Source))
      throw bad(
        `invalid mount path: '${m.Source}' mount path must be absolute`,
      );
    if (m.VolumeOptions || m.TmpfsOptions)
      throw bad("field VolumeOptions must not be specified");
    const propagation = m.BindOptions?.Propagation || "rprivate";
    if (!PROPAGATIONS.has(propagation))
      throw bad(`invalid propagation mode: ${propagation}`);
    return {
      type: "bind",
      source: posix.normalize(m.Source),
      destination: checkDestination(m.Target ?? "", type),
      rw: m.ReadOnly !== true,
      mode: "",
      propagation,
      createSource: m.BindOptions?.CreateMountpoint === true,
      recursive: m.BindOptions?.NonRecursive !== true,
    };
  }
  if (type === "volume") {
    if (m.BindOptions) throw bad("field BindOptions must not be specified");
    if (m.TmpfsOptions) throw bad("field TmpfsOptions must not be specified");
    if (m.VolumeOptions?.Subpath)
      throw new NotImplementedError(
        "not implemented: volume-subpath is not supported",
      );
    const dc = m.VolumeOptions?.DriverConfig;
    return {
      type: "volume",
      name: m.Source || undefined,
      destination: checkDestination(m.Target ?? "", type),
      rw: m.ReadOnly !== true,
      mode: m.Source ? "z" : "",
      driver: dc?.Name || volumeDriver,
      driverOpts: dc?.Options ?? {},
      labels: m.VolumeOptions?.Labels ?? {},
      copy: m.VolumeOptions?.NoCopy !== true,
    };
  }
  if (type === "tmpfs") {
    if (m.Source) throw bad("field Source must not be specified");
    if (m.BindOptions || m.VolumeOptions)
      throw bad("field BindOptions must not be specified");
    const o = m.TmpfsOptions ?? {};
    const options = ["nosuid", "nodev", "noexec"];
    if (o.SizeBytes !== undefined && o.SizeBytes < 0)
      throw bad("invalid tmpfs size");
    if (o.SizeBytes) options.push(`size=${o.SizeBytes}`);
    if (o.Mode) options.push(`mode=${(o.Mode & 0o7777).toString(8)}`);
    for (const opt of o.Options ?? []) options.push(opt.join("="));
    return {
      type: "tmpfs",
      destination: checkDestination(m.Target ?? "", type),
      rw: m.ReadOnly !== true,
      options,
    };
  }
  if (type === "image" || type === "npipe" || type === "cluster")
    throw new NotImplementedError(`not implemented: mounts of type "${type}"`);
  throw bad("mount type unknown");
}

/** HostConfig.Tmpfs (the --tmpfs flag): destination → "size=64k,mode=1777". */
export function parseTmpfs(dest: string, opts: string): MountRequest {
  const options = ["nosuid", "nodev", "noexec"];
  for (const o of opts.split(",").filter(Boolean)) options.push(o);
  return {
    type: "tmpfs",
    destination: checkDestination(dest, "tmpfs"),
    rw: !options.includes("ro"),
    options,
  };
}

/**
 * All mounts the HostConfig asks for, in Docker's order of precedence:
 * Binds, Mounts and Tmpfs (a destination may appear once among them:
 * "Duplicate mount point"). Volumes-from and image volumes come later and
 * fill only destinations left free.
 */
export function explicitMounts(hc: HostConfig): MountRequest[] {
  const driver =
    typeof hc.VolumeDriver === "string" && hc.VolumeDriver
      ? hc.VolumeDriver
      : undefined;
  const out: MountRequest[] = [];
  for (const b of hc.Binds ?? []) out.push(parseBind(b, driver));
  for (const m of (Array.isArray(hc.Mounts) ? hc.Mounts : []) as MountSpec[])
    out.push(parseMountSpec(m, driver));
  const tmpfs = (hc.Tmpfs ?? {}) as Record<string, string>;
  for (const [dest, opts] of Object.entries(tmpfs))
    out.push(parseTmpfs(dest, opts));
  const seen = new Set<string>();
  for (const m of out) {
    if (seen.has(m.destination))
      throw new InvalidArgumentError(`Duplicate mount point: ${m.destination}`);
    seen.add(m.destination);
  }
  return out;
}

/** Parses one --volumes-from entry `container[:ro|rw]`. */
export function parseVolumesFrom(spec: string): {
  ref: string;
  rw: boolean | undefined;
} {
  const [ref = "", mode, extra] = spec.split(":");
  if (!ref || extra !== undefined)
    throw new InvalidArgumentError(
      `invalid volumes-from specification: ${spec}`,
    );
  if (mode === undefined) return { ref, rw: undefined };
  const words = mode.split(",");
  for (const w of words)
    if (!["ro", "rw", "z", "Z"].includes(w))
      throw new InvalidArgumentError(`invalid mode for volumes-from: ${mode}`);
  return {
    ref,
    rw: words.includes("ro") ? false : words.includes("rw") ? true : undefined,
  };
}
