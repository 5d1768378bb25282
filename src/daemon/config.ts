import { readFile } from "node:fs/promises";
import { InvalidArgumentError, isErrno } from "../util/errors.ts";
import { isLogLevel, type LogLevel } from "../util/log.ts";
import { NETWORK_KEYS } from "../engine/networks/index.ts";
import {
  BUILTIN_RUNTIMES,
  defaultExtraSettings,
  EXTRA_KEYS,
  parseExtraKeys,
  type ExtraSettings,
} from "./config-keys.ts";
import {
  addKeyFlag,
  checkConflicts,
  KEY_FLAGS,
  parseBoolFlag,
} from "./flags.ts";

/**
 * wharfd's configuration: dockerd's flag names and daemon.json keys.
 * Layout of a daemon.json:
 *   { "data-root": "/var/lib/wharf", "exec-root": "/run/wharf",
 *     "log-level": "info", "hosts": ["unix:///run/wharf/wharf.sock"] }
 */
export type DaemonConfig = {
  dataRoot: string;
  execRoot: string;
  logLevel: LogLevel;
  hosts: string[];
  pidfile: string;
  group: string;
  configFile: string;
  runtime: string;
  /** TLS for tcp:// hosts: `tlsverify` also demands client certificates signed by `tlscacert`. */
  tls: boolean;
  tlsVerify: boolean;
  tlsCaCert: string;
  tlsCert: string;
  tlsKey: string;
  /** Volume plugin directories, ":"-separated; "" = Docker's and wharf's defaults. */
  pluginDirs: string;
  /** daemon.json's networking keys as given (bridge, bip, iptables…): engine/networks validates them. */
  network: Record<string, unknown>;
  /** Container defaults, runtimes, labels, registry and audit keys (config-keys.ts). */
  extra: ExtraSettings;
};

/**
 * Flags as parsed: the typed fields they set, and `keys`, every flag given
 * as its daemon.json key and value (for the conflict check, and the only
 * place the flags of config-keys.ts and engine/networks keys live).
 */
export type DaemonFlags = Partial<DaemonConfig> & {
  keys?: Record<string, unknown>;
};

/** The result of parsing argv: run the daemon, or print something and exit. */
export type ParsedArgs =
  | { action: "run"; flags: DaemonFlags }
  | { action: "help" }
  | { action: "version" }
  | { action: "validate"; flags: DaemonFlags };

/** Defaults as dockerd's, under wharf's own paths. */
export const defaultConfig: DaemonConfig = {
  dataRoot: "/var/lib/wharf",
  execRoot: "/run/wharf",
  logLevel: "info",
  hosts: [],
  pidfile: "",
  group: "wharf",
  configFile: "/etc/wharf/daemon.json",
  runtime: "crun",
  tls: false,
  tlsVerify: false,
  tlsCaCert: "/etc/wharf/ca.pem",
  tlsCert: "/etc/wharf/cert.pem",
  tlsKey: "/etc/wharf/key.pem",
  pluginDirs: "",
  network: {},
  extra: defaultExtraSettings,
};

type Key = Exclude<keyof DaemonConfig, "network" | "extra">;
/** daemon.json key → config field. Every key listed here is supported. */
const fileKeys: Record<string, Key> = {
  "data-root": "dataRoot",
  "exec-root": "execRoot",
  "log-level": "logLevel",
  hosts: "hosts",
  pidfile: "pidfile",
  group: "group",
  "default-runtime": "runtime",
  tls: "tls",
  tlsverify: "tlsVerify",
  tlscacert: "tlsCaCert",
  tlscert: "tlsCert",
  tlskey: "tlsKey",
  "plugin-dirs": "pluginDirs",
};
/** Fields that hold booleans (in daemon.json and as flags without values). */
const booleanKeys = new Set<Key>(["tls", "tlsVerify"]);
/** Flag spellings → config field (long and short forms, as dockerd's). */
const flagKeys: Record<string, Key> = {
  "-H": "hosts",
  "--host": "hosts",
  "--data-root": "dataRoot",
  "--exec-root": "execRoot",
  "--config-file": "configFile",
  "-l": "logLevel",
  "--log-level": "logLevel",
  "-p": "pidfile",
  "--pidfile": "pidfile",
  "-G": "group",
  "--group": "group",
  "--default-runtime": "runtime",
  "--tls": "tls",
  "--tlsverify": "tlsVerify",
  "--tlscacert": "tlsCaCert",
  "--tlscert": "tlsCert",
  "--tlskey": "tlsKey",
  "--plugin-dirs": "pluginDirs",
};

/** Typed field → its daemon.json key. */
const keyOfField = Object.fromEntries(
  Object.entries(fileKeys).map(([k, f]) => [f, k]),
) as Partial<Record<Key, string>>;

/** Usage text for `wharfd --help`. */
export const usage = `Usage:	wharfd [OPTIONS]

A Docker-compatible container engine

Options:
      --config-file string      Daemon configuration file (default "/etc/wharf/daemon.json")
      --data-root string        Root directory of persistent wharf state (default "/var/lib/wharf")
  -D, --debug                   Enable debug mode
      --default-runtime string  Default OCI runtime for containers: crun or runc (default "crun")
      --exec-root string        Root directory for execution state files (default "/run/wharf")
  -G, --group string            Group for the unix socket (default "wharf")
  -h, --help                    Print usage
  -H, --host list               Daemon socket(s) to connect to (default unix:///run/wharf/wharf.sock)
  -l, --log-level string        Set the logging level ("debug"|"info"|"warn"|"error"|"fatal") (default "info")
  -p, --pidfile string          Path to use for daemon PID file (default "<exec-root>/wharfd.pid")
      --tls                     Use TLS; implied by --tlsverify
      --tlscacert string        Trust certs signed only by this CA (default "/etc/wharf/ca.pem")
      --tlscert string          Path to TLS certificate file (default "/etc/wharf/cert.pem")
      --tlskey string           Path to TLS key file (default "/etc/wharf/key.pem")
      --tlsverify               Use TLS and verify the remote (clients must present certificates)
      --plugin-dirs string      Volume plugin directories, ":"-separated (default Docker's and /etc/wharf/plugins, <exec-root>/plugins)
      --validate                Validate daemon configuration and exit

Options standing for daemon.json keys of the same meaning (a key given both
ways is refused, as dockerd): --userns-remap, --log-driver, --log-opt (map),
--label (list), --cgroup-parent, --live-restore, --no-new-privileges,
--seccomp-profile, --default-shm-size, --registry-mirror (list),
--insecure-registry (list), --max-concurrent-downloads,
--max-concurrent-uploads, -b/--bridge, --bip, --fixed-cidr, --iptables,
--ip-forward, --ip-masq, --icc, --userland-proxy, --dns (list)
  -v, --version                 Print version information and quit
`;

/** Parses wharfd's argv. Throws InvalidArgumentError for unknown flags or missing values. */
export function parseArgs(argv: string[]): ParsedArgs {
  const keys: Record<string, unknown> = {};
  const flags: DaemonFlags = { keys };
  let validate = false;
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i]!;
    let value: string | undefined;
    const eq = arg.indexOf("=");
    if (arg.startsWith("-") && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    if (arg === "-h" || arg === "--help") return { action: "help" };
    if (arg === "-v" || arg === "--version") return { action: "version" };
    if (arg === "-D" || arg === "--debug") {
      if (parseBoolFlag(arg, value)) flags.logLevel = "debug";
      keys.debug = flags.logLevel === "debug";
      continue;
    }
    if (arg === "--validate") {
      validate = true;
      continue;
    }
    const key = flagKeys[arg];
    const keyFlag = KEY_FLAGS[arg];
    if (!key && !keyFlag)
      throw new InvalidArgumentError(
        `unknown flag: ${arg}\nSee 'wharfd --help'.`,
      );
    if (keyFlag?.kind === "bool") {
      addKeyFlag(keys, arg, keyFlag, value ?? "true");
      continue;
    }
    if (key && booleanKeys.has(key)) {
      setBoolean(flags, key, parseBoolFlag(arg, value));
      keys[keyOfField[key]!] = flags[key];
      continue;
    }
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined)
        throw new InvalidArgumentError(`flag needs an argument: ${arg}`);
    }
    if (keyFlag) addKeyFlag(keys, arg, keyFlag, value);
    else if (key === "hosts") {
      flags.hosts = [...(flags.hosts ?? []), value];
      keys.hosts = flags.hosts;
    } else if (key) {
      setField(flags, key, value);
      if (keyOfField[key]) keys[keyOfField[key]] = value;
    }
  }
  return validate ? { action: "validate", flags } : { action: "run", flags };
}

/**
 * Reads the config file (missing is fine unless it was named explicitly),
 * rejects unknown keys and keys also given as flags (as dockerd), and lays
 * the flags over it.
 */
export async function loadConfig(flags: DaemonFlags): Promise<DaemonConfig> {
  const configFile = flags.configFile ?? defaultConfig.configFile;
  let text: string | undefined;
  try {
    text = await readFile(configFile, "utf8");
  } catch (err) {
    if (!isErrno(err, "ENOENT") || flags.configFile !== undefined)
      throw new InvalidArgumentError(
        `unable to read configuration file ${configFile}: ${(err as Error).message}`,
      );
  }
  const { keys = {}, ...typed } = flags;
  const raw = text === undefined ? {} : decodeConfig(text, configFile);
  checkConflicts(keys, raw, configFile);
  // Key flags join the file's keys, so one parser checks both.
  for (const { key } of Object.values(KEY_FLAGS))
    if (key in keys) raw[key] = keys[key];
  const fromFile = parseConfigObject(raw, configFile);
  const config: DaemonConfig = {
    ...defaultConfig,
    ...fromFile,
    ...typed,
    extra: { ...defaultExtraSettings, ...fromFile.extra },
    configFile,
  };
  // The default socket lives in the exec root, so instances with their own exec roots never collide.
  if (config.hosts.length === 0)
    config.hosts = [`unix://${config.execRoot}/wharf.sock`];
  if (!config.pidfile) config.pidfile = `${config.execRoot}/wharfd.pid`;
  if (config.tlsVerify) config.tls = true;
  if (!isLogLevel(config.logLevel))
    throw new InvalidArgumentError(
      `unable to parse logging level: ${String(config.logLevel)}`,
    );
  if (
    !BUILTIN_RUNTIMES.includes(config.runtime) &&
    !(config.runtime in config.extra.runtimes)
  )
    // compat: dockerd's text for a default-runtime it does not know.
    throw new InvalidArgumentError(
      `specified default runtime '${config.runtime}' does not exist`,
    );
  return config;
}

/** Parses daemon.json text. Throws InvalidArgumentError naming unknown keys, as dockerd does. */
export function parseConfigFile(
  text: string,
  path: string,
): Partial<DaemonConfig> {
  return parseConfigObject(decodeConfig(text, path), path);
}

/** daemon.json text → its object. Throws InvalidArgumentError for bad JSON or a non-object. */
function decodeConfig(text: string, path: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new InvalidArgumentError(
      `unable to configure the wharf daemon with file ${path}: ${(err as Error).message}`,
    );
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new InvalidArgumentError(
      `unable to configure the wharf daemon with file ${path}: not a JSON object`,
    );
  return raw as Record<string, unknown>;
}

/** Checks and converts daemon.json's keys. Throws InvalidArgumentError naming unknown keys. */
function parseConfigObject(
  raw: Record<string, unknown>,
  path: string,
): Partial<DaemonConfig> {
  const unknown = Object.keys(raw).filter(
    (k) =>
      !(k in fileKeys) &&
      k !== "debug" &&
      !NETWORK_KEYS.includes(k) &&
      !EXTRA_KEYS.includes(k),
  );
  if (unknown.length)
    throw new InvalidArgumentError(
      `unable to configure the wharf daemon with file ${path}: the following directives don't match any configuration option: ${unknown.join(", ")}`,
    );
  const out: Partial<DaemonConfig> = {};
  const extra = parseExtraKeys(raw, path);
  if (Object.keys(extra).length)
    out.extra = { ...defaultExtraSettings, ...extra };
  for (const [k, v] of Object.entries(raw)) {
    if (EXTRA_KEYS.includes(k)) continue;
    if (k === "debug") {
      if (v === true) out.logLevel = "debug";
      continue;
    }
    if (NETWORK_KEYS.includes(k)) {
      out.network = { ...out.network, [k]: v };
      continue;
    }
    const key = fileKeys[k]!;
    if (key === "hosts") {
      if (!Array.isArray(v) || !v.every((h) => typeof h === "string"))
        throw new InvalidArgumentError(
          `invalid value for "hosts" in ${path}: must be a list of strings`,
        );
      out.hosts = v;
    } else if (booleanKeys.has(key)) {
      if (typeof v !== "boolean")
        throw new InvalidArgumentError(
          `invalid value for "${k}" in ${path}: must be true or false`,
        );
      setBoolean(out, key, v);
    } else {
      if (typeof v !== "string")
        throw new InvalidArgumentError(
          `invalid value for "${k}" in ${path}: must be a string`,
        );
      setField(out, key, v);
    }
  }
  return out;
}

function setField(
  target: Partial<DaemonConfig>,
  key: Exclude<Key, "hosts">,
  value: string,
): void {
  if (key === "logLevel") {
    if (!isLogLevel(value))
      throw new InvalidArgumentError(`unable to parse logging level: ${value}`);
    target.logLevel = value;
  } else if (key !== "tls" && key !== "tlsVerify") target[key] = value;
}

function setBoolean(
  target: Partial<DaemonConfig>,
  key: Key,
  value: boolean,
): void {
  if (key === "tls") target.tls = value;
  else if (key === "tlsVerify") target.tlsVerify = value;
}
