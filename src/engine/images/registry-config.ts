import type { RegistrySettings } from "../../registry/client/hosts.ts";
import { InvalidArgumentError } from "../../util/errors.ts";

/** daemon.json keys the registry client reads (dockerd's names). */
export const REGISTRY_KEYS = [
  "registry-mirrors",
  "insecure-registries",
  "max-concurrent-downloads",
  "max-concurrent-uploads",
  "registry-hub-fallback",
];

/** The validated registry settings of the daemon. */
export type RegistryOptions = {
  settings: RegistrySettings;
  maxDownloads: number;
  maxUploads: number;
  /** Idle timeout of registry requests, ms (WHARF_REGISTRY_TIMEOUT seconds, default 60). */
  timeoutMs: number;
};

/** certs.d roots: Docker's, then wharf's own. */
export const CERTS_DIRS = ["/etc/docker/certs.d", "/etc/wharf/certs.d"];

/**
 * The certs.d roots to search: `WHARF_CERTS_D` in wharfd's environment (a
 * colon-separated list of directories) replaces the defaults, so a test or
 * a rootless setup can give wharfd CAs without writing to /etc. compat:
 * dockerd has no such setting (only rootless mode moves certs.d).
 */
export function certsDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const raw = env.WHARF_CERTS_D;
  if (raw === undefined || raw === "") return CERTS_DIRS;
  return raw.split(":").filter(Boolean);
}

/**
 * Validates daemon.json's registry keys as dockerd does (mirrors must be
 * http(s) URLs without path; counts positive integers); defaults are 3
 * downloads and 5 uploads at once. Throws InvalidArgumentError.
 */
export function registryOptions(
  raw: Record<string, unknown>,
  env: NodeJS.ProcessEnv = process.env,
): RegistryOptions {
  const list = (key: string): string[] => {
    const v = raw[key] ?? [];
    if (!Array.isArray(v) || !v.every((x) => typeof x === "string"))
      throw new InvalidArgumentError(
        `invalid value for "${key}": must be a list of strings`,
      );
    return v;
  };
  const count = (key: string, dflt: number): number => {
    const v = raw[key] ?? dflt;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 1)
      throw new InvalidArgumentError(
        `invalid max concurrent ${key.endsWith("downloads") ? "downloads" : "uploads"}: ${JSON.stringify(v)}`,
      );
    return v;
  };
  const mirrors = list("registry-mirrors").map((m) => {
    let url: URL;
    try {
      url = new URL(m);
    } catch {
      throw new InvalidArgumentError(
        `invalid mirror: "${m}" is not a valid URI`,
      );
    }
    if (url.protocol !== "http:" && url.protocol !== "https:")
      throw new InvalidArgumentError(
        `invalid mirror: unsupported scheme "${url.protocol.slice(0, -1)}" in "${m}"`,
      );
    if (url.pathname !== "/" && url.pathname !== "")
      throw new InvalidArgumentError(
        `invalid mirror: path, query, or fragment at end of the URI "${m}"`,
      );
    return `${url.protocol}//${url.host}`;
  });
  const hubFallback = raw["registry-hub-fallback"] ?? true;
  if (typeof hubFallback !== "boolean")
    throw new InvalidArgumentError(
      `invalid value for "registry-hub-fallback": must be a boolean`,
    );
  const timeout = Number(env.WHARF_REGISTRY_TIMEOUT ?? 60);
  return {
    settings: {
      mirrors,
      insecure: list("insecure-registries"),
      certsDirs: certsDirs(env),
      hubFallback,
    },
    maxDownloads: count("max-concurrent-downloads", 3),
    maxUploads: count("max-concurrent-uploads", 5),
    timeoutMs: (Number.isFinite(timeout) && timeout > 0 ? timeout : 60) * 1000,
  };
}

/** /info's RegistryConfig, built from the settings as moby's ServiceConfig. */
export function registryInfo(settings: RegistrySettings): {
  IndexConfigs: Record<string, unknown>;
  InsecureRegistryCIDRs: string[];
  Mirrors: string[];
} {
  const cidrs = ["127.0.0.0/8", "::1/128"];
  const indexConfigs: Record<string, unknown> = {
    "docker.io": {
      Name: "docker.io",
      Mirrors: settings.mirrors.map((m) => `${m}/`),
      Secure: true,
      Official: true,
    },
  };
  for (const i of settings.insecure) {
    if (i.includes("/")) {
      if (!cidrs.includes(i)) cidrs.push(i);
    } else
      indexConfigs[i] = {
        Name: i,
        Mirrors: [],
        Secure: false,
        Official: false,
      };
  }
  return {
    IndexConfigs: indexConfigs,
    InsecureRegistryCIDRs: cidrs,
    Mirrors: settings.mirrors.map((m) => `${m}/`),
  };
}
