/**
 * daemon.json keys for container defaults, runtimes, labels and the
 * registry client (dockerd's names and value shapes), parsed and checked
 * here so config.ts keeps its flag table small:
 *
 *   { "log-driver": "json-file", "log-opts": {"max-size": "10m"},
 *     "default-ulimits": {"nofile": {"Name": "nofile", "Hard": 4096, "Soft": 1024}},
 *     "cgroup-parent": "/ops", "live-restore": true, "no-new-privileges": true,
 *     "seccomp-profile": "/etc/wharf/seccomp.json", "default-shm-size": "128M",
 *     "runtimes": {"my-runc": {"path": "/usr/sbin/runc", "runtimeArgs": ["--debug"]}},
 *     "labels": ["site=a"], "max-concurrent-downloads": 3, "max-concurrent-uploads": 5,
 *     "registry-mirrors": ["http://127.0.0.1:5000"], "insecure-registries": ["127.0.0.1:5000"],
 *     "registry-hub-fallback": false,
 *     "audit-log": "/var/log/wharf/audit.log", "userns-remap": "default" }
 */
import { InvalidArgumentError } from "../util/errors.ts";
import { ramInBytes as parseRam } from "../conventions/size.ts";
import { LOG_DRIVERS } from "../conventions/log-drivers.ts";
import { ULIMIT_NAMES } from "../conventions/ulimits.ts";

/** A runtime as daemon.json declares it. */
export type RuntimeConfig = { path: string; runtimeArgs?: string[] };

/** A default ulimit (HostConfig.Ulimits' shape). */
export type UlimitConfig = { Name: string; Hard: number; Soft: number };

/** The settings of the keys this module parses. */
export type ExtraSettings = {
  logDriver: string;
  logOpts: Record<string, string>;
  defaultUlimits: Record<string, UlimitConfig>;
  cgroupParent: string;
  noNewPrivileges: boolean;
  seccompProfile: string;
  /** Bytes; 0 = Docker's 64 MiB. */
  defaultShmSize: number;
  runtimes: Record<string, RuntimeConfig>;
  labels: string[];
  maxConcurrentDownloads: number;
  maxConcurrentUploads: number;
  registryMirrors: string[];
  insecureRegistries: string[];
  /** wharf extension `registry-hub-fallback`: false = docker.io only through mirrors, never Docker Hub. */
  registryHubFallback: boolean;
  /** Path of the audit log; "" = none. */
  auditLog: string;
  /** daemon.json userns-remap as given ("default", "user[:group]", "uid[:gid]"); "" = off. */
  usernsRemap: string;
};

/** dockerd's defaults (max-concurrent-* as dockerd's). */
export const defaultExtraSettings: ExtraSettings = {
  logDriver: "json-file",
  logOpts: {},
  defaultUlimits: {},
  cgroupParent: "",
  noNewPrivileges: false,
  seccompProfile: "",
  defaultShmSize: 0,
  runtimes: {},
  labels: [],
  maxConcurrentDownloads: 3,
  maxConcurrentUploads: 5,
  registryMirrors: [],
  insecureRegistries: [],
  registryHubFallback: true,
  auditLog: "",
  usernsRemap: "",
};

/** Runtimes every wharfd has; daemon.json may not redefine them. */
export const BUILTIN_RUNTIMES = ["crun", "runc"];

/** The keys parseExtraKeys understands (live-restore is checked, not stored). */
export const EXTRA_KEYS = [
  "log-driver",
  "log-opts",
  "default-ulimits",
  "cgroup-parent",
  "live-restore",
  "no-new-privileges",
  "seccomp-profile",
  "default-shm-size",
  "runtimes",
  "labels",
  "max-concurrent-downloads",
  "max-concurrent-uploads",
  "registry-mirrors",
  "insecure-registries",
  "registry-hub-fallback",
  "audit-log",
  "userns-remap",
];

/** Parses "64M", "1g", "512" as Docker's RAMInBytes; NaN when malformed. */
export function ramInBytes(value: string): number {
  try {
    return parseRam(value);
  } catch {
    return NaN;
  }
}

/**
 * Parses the keys of EXTRA_KEYS present in `raw`. Throws InvalidArgumentError
 * naming the key for a wrong type or value (nothing is applied then).
 */
export function parseExtraKeys(
  raw: Record<string, unknown>,
  path: string,
): Partial<ExtraSettings> {
  const bad = (k: string, why: string): InvalidArgumentError =>
    new InvalidArgumentError(`invalid value for "${k}" in ${path}: ${why}`);
  const str = (k: string): string => {
    if (typeof raw[k] !== "string") throw bad(k, "must be a string");
    return raw[k];
  };
  const strings = (k: string): string[] => {
    const v = raw[k];
    if (!Array.isArray(v) || !v.every((s) => typeof s === "string"))
      throw bad(k, "must be a list of strings");
    return v;
  };
  const count = (k: string): number => {
    const v = raw[k];
    if (typeof v !== "number" || !Number.isInteger(v) || v < 1)
      throw bad(k, "must be a positive integer");
    return v;
  };
  const bool = (k: string): boolean => {
    if (typeof raw[k] !== "boolean") throw bad(k, "must be true or false");
    return raw[k];
  };
  const out: Partial<ExtraSettings> = {};
  const has = (k: string): boolean => k in raw && raw[k] !== null;
  if (has("log-driver")) {
    const d = str("log-driver");
    if (!LOG_DRIVERS.includes(d))
      // compat: dockerd's text for an unknown default driver.
      throw new InvalidArgumentError(
        `logger: no log driver named '${d}' is registered`,
      );
    if (d !== "json-file" && d !== "none")
      throw new InvalidArgumentError(
        `not implemented: log-driver "${d}" (this daemon logs with json-file or none)`,
      );
    out.logDriver = d;
  }
  if (has("log-opts")) {
    const v = raw["log-opts"];
    if (
      typeof v !== "object" ||
      Array.isArray(v) ||
      !Object.values(v as object).every((s) => typeof s === "string")
    )
      throw bad("log-opts", "must be an object of strings");
    const keys = Object.keys(v as object);
    if (keys.length)
      // Containers refuse every log option until the log drivers module lands.
      throw new InvalidArgumentError(
        `not implemented: log-opts (${keys.join(", ")})`,
      );
    out.logOpts = v as Record<string, string>;
  }
  if (has("default-ulimits"))
    out.defaultUlimits = parseUlimits(raw["default-ulimits"], bad);
  if (has("cgroup-parent")) out.cgroupParent = str("cgroup-parent");
  if (has("live-restore") && !bool("live-restore"))
    throw new InvalidArgumentError(
      `invalid value for "live-restore" in ${path}: false is not supported: wharf containers always outlive the daemon (each has its own double-forked conmon), so live restore cannot be turned off`,
    );
  if (has("no-new-privileges")) out.noNewPrivileges = bool("no-new-privileges");
  if (has("seccomp-profile")) out.seccompProfile = str("seccomp-profile");
  if (has("default-shm-size")) {
    const v = raw["default-shm-size"];
    const n =
      typeof v === "number" ? v : typeof v === "string" ? ramInBytes(v) : NaN;
    if (!Number.isFinite(n) || n <= 0)
      throw bad("default-shm-size", `invalid size: '${String(v)}'`);
    out.defaultShmSize = n;
  }
  if (has("runtimes")) out.runtimes = parseRuntimes(raw.runtimes, bad);
  if (has("labels")) {
    const labels = strings("labels");
    for (const l of labels)
      // compat: dockerd's label check (opts.ValidateLabel).
      if (!l.includes("=") || l.startsWith("="))
        throw new InvalidArgumentError(`bad attribute format: ${l}`);
    out.labels = labels;
  }
  if (has("max-concurrent-downloads"))
    out.maxConcurrentDownloads = count("max-concurrent-downloads");
  if (has("max-concurrent-uploads"))
    out.maxConcurrentUploads = count("max-concurrent-uploads");
  if (has("registry-mirrors")) {
    out.registryMirrors = strings("registry-mirrors");
    for (const m of out.registryMirrors)
      if (!/^https?:\/\/[^/]+\/?$/.test(m))
        throw new InvalidArgumentError(
          `invalid mirror: "${m}" is not a valid URI`,
        );
  }
  if (has("insecure-registries"))
    out.insecureRegistries = strings("insecure-registries");
  if (has("registry-hub-fallback")) {
    const v = raw["registry-hub-fallback"];
    if (typeof v !== "boolean")
      throw bad("registry-hub-fallback", "must be a boolean");
    out.registryHubFallback = v;
  }
  if (has("audit-log")) out.auditLog = str("audit-log");
  // Resolved against /etc/passwd, /etc/subuid… at start (userns-remap.ts).
  if (has("userns-remap")) out.usernsRemap = str("userns-remap");
  return out;
}

function parseUlimits(
  v: unknown,
  bad: (k: string, why: string) => Error,
): Record<string, UlimitConfig> {
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw bad("default-ulimits", "must be an object");
  const out: Record<string, UlimitConfig> = {};
  for (const [name, u] of Object.entries(v)) {
    const { Name = name, Hard, Soft } = (u ?? {}) as Partial<UlimitConfig>;
    if (!ULIMIT_NAMES.includes(Name) || Name !== name)
      throw bad("default-ulimits", `invalid ulimit type: ${name}`);
    if (!Number.isInteger(Hard) || !Number.isInteger(Soft))
      throw bad("default-ulimits", `${name}: Hard and Soft must be integers`);
    if ((Soft as number) > (Hard as number))
      throw bad(
        "default-ulimits",
        `ulimit soft limit must be less than or equal to hard limit: ${Soft} > ${Hard}`,
      );
    out[name] = { Name, Hard: Hard as number, Soft: Soft as number };
  }
  return out;
}

function parseRuntimes(
  v: unknown,
  bad: (k: string, why: string) => Error,
): Record<string, RuntimeConfig> {
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw bad("runtimes", "must be an object");
  const out: Record<string, RuntimeConfig> = {};
  for (const [name, r] of Object.entries(v)) {
    if (BUILTIN_RUNTIMES.includes(name))
      // compat: dockerd reserves its built-in runtime names the same way.
      throw new InvalidArgumentError(`runtime name '${name}' is reserved`);
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name))
      throw bad("runtimes", `invalid runtime name: ${name}`);
    const rc = (r ?? {}) as Record<string, unknown>;
    if ("runtimeType" in rc || "options" in rc)
      throw new InvalidArgumentError(
        `runtime ${name}: not implemented: runtimeType and options (containerd shims); give a path to an OCI runtime binary`,
      );
    if (typeof rc.path !== "string" || !rc.path)
      throw bad("runtimes", `runtime ${name}: path must be a non-empty string`);
    const args = rc.runtimeArgs;
    if (
      args !== undefined &&
      (!Array.isArray(args) || !args.every((a) => typeof a === "string"))
    )
      throw bad(
        "runtimes",
        `runtime ${name}: runtimeArgs must be a list of strings`,
      );
    out[name] = {
      path: rc.path,
      ...(args ? { runtimeArgs: args } : {}),
    };
  }
  return out;
}
