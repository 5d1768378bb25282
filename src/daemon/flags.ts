/**
 * dockerd's flags for the daemon.json keys that wharfd parses as keys
 * (config-keys.ts, engine/networks), and dockerd's rule that a setting
 * given both as a flag and in daemon.json is an error. Flags are turned
 * into daemon.json-shaped values so one parser checks both.
 */
import { InvalidArgumentError } from "../util/errors.ts";

/** How a flag's text becomes a daemon.json value. */
export type FlagKind = "string" | "bool" | "int" | "list" | "map";

/** A flag that stands for a daemon.json key. */
export type KeyFlag = { key: string; kind: FlagKind };

/** dockerd's flag spellings → daemon.json key (moby cmd/dockerd/config*.go). */
export const KEY_FLAGS: Record<string, KeyFlag> = {
  "--userns-remap": { key: "userns-remap", kind: "string" },
  "--log-driver": { key: "log-driver", kind: "string" },
  "--log-opt": { key: "log-opts", kind: "map" },
  "--label": { key: "labels", kind: "list" },
  "--cgroup-parent": { key: "cgroup-parent", kind: "string" },
  "--live-restore": { key: "live-restore", kind: "bool" },
  "--no-new-privileges": { key: "no-new-privileges", kind: "bool" },
  "--seccomp-profile": { key: "seccomp-profile", kind: "string" },
  "--default-shm-size": { key: "default-shm-size", kind: "string" },
  "--registry-mirror": { key: "registry-mirrors", kind: "list" },
  "--insecure-registry": { key: "insecure-registries", kind: "list" },
  "--max-concurrent-downloads": {
    key: "max-concurrent-downloads",
    kind: "int",
  },
  "--max-concurrent-uploads": { key: "max-concurrent-uploads", kind: "int" },
  "-b": { key: "bridge", kind: "string" },
  "--bridge": { key: "bridge", kind: "string" },
  "--bip": { key: "bip", kind: "string" },
  "--fixed-cidr": { key: "fixed-cidr", kind: "string" },
  "--iptables": { key: "iptables", kind: "bool" },
  "--ip-forward": { key: "ip-forward", kind: "bool" },
  "--ip-masq": { key: "ip-masq", kind: "bool" },
  "--icc": { key: "icc", kind: "bool" },
  "--userland-proxy": { key: "userland-proxy", kind: "bool" },
  "--dns": { key: "dns", kind: "list" },
};

/** Go's strconv.ParseBool. */
export function parseBoolFlag(flag: string, text: string | undefined): boolean {
  if (text === undefined) return true;
  if (["1", "t", "T", "TRUE", "true", "True"].includes(text)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(text)) return false;
  throw new InvalidArgumentError(
    `invalid argument "${text}" for "${flag}" flag: strconv.ParseBool: parsing "${text}": invalid syntax`,
  );
}

/**
 * Adds one occurrence of a key flag to `keys` (daemon.json shape): lists and
 * maps accumulate over repeated flags, the rest take the last value.
 */
export function addKeyFlag(
  keys: Record<string, unknown>,
  flag: string,
  spec: KeyFlag,
  text: string,
): void {
  const { key, kind } = spec;
  if (kind === "string") keys[key] = text;
  else if (kind === "bool") keys[key] = parseBoolFlag(flag, text);
  else if (kind === "int") {
    if (!/^[+-]?\d+$/.test(text))
      throw new InvalidArgumentError(
        `invalid argument "${text}" for "${flag}" flag: strconv.ParseInt: parsing "${text}": invalid syntax`,
      );
    keys[key] = Number(text);
  } else if (kind === "list")
    keys[key] = [...((keys[key] as string[] | undefined) ?? []), text];
  else {
    // compat: moby's MapOpts: "k=v", or "k" for an empty value.
    const eq = text.indexOf("=");
    const [k, v] =
      eq === -1 ? [text, ""] : [text.slice(0, eq), text.slice(eq + 1)];
    keys[key] = { ...(keys[key] ?? {}), [k]: v };
  }
}

/** A value as Go's %v prints it (lists in brackets, maps as map[k:v] by key). */
export function goFormat(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(goFormat).join(" ")}]`;
  if (v !== null && typeof v === "object")
    return `map[${Object.keys(v)
      .sort()
      .map((k) => `${k}:${goFormat((v as Record<string, unknown>)[k])}`)
      .join(" ")}]`;
  if (v === null || v === undefined) return "<nil>";
  return typeof v === "string" ? v : JSON.stringify(v);
}

/**
 * Throws dockerd's error when a key is set both by a flag and in the file
 * (findConfigurationConflicts in moby daemon/config/config.go).
 */
export function checkConflicts(
  flagKeys: Record<string, unknown>,
  file: Record<string, unknown>,
  path: string,
): void {
  const both = Object.keys(flagKeys).filter((k) => k in file);
  if (both.length === 0) return;
  const list = both.map(
    (k) =>
      `${k}: (from flag: ${goFormat(flagKeys[k])}, from file: ${goFormat(file[k])})`,
  );
  throw new InvalidArgumentError(
    `unable to configure the wharf daemon with file ${path}: the following directives are specified both as a flag and in the configuration file: ${list.join(", ")}`,
  );
}
