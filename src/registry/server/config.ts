import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import type { AccessRule } from "./auth/access.ts";

/**
 * The registry's configuration, read from YAML. Keys follow distribution's
 * config.yml where it has one (http.addr, http.tls, storage.filesystem,
 * storage.delete, storage.maintenance.readonly, auth.htpasswd, proxy), so
 * a distribution config mostly works; `access`, `limits`,
 * `http.tls.selfsigned` and a token realm-less built-in endpoint are wharf's.
 */
export type RegistryConfig = {
  addr: string;
  /** Filesystem root, or undefined with storage "memory". */
  root: string;
  storage: "filesystem" | "memory";
  deleteEnabled: boolean;
  readOnly: boolean;
  tls?: { certificate?: string; key?: string; selfSigned: boolean };
  htpasswd?: { realm: string; path: string };
  /** Bearer tokens: an external realm (with its certificate bundle) or, without realm, the built-in endpoint. */
  token?: {
    realm?: string;
    service: string;
    issuer: string;
    rootCertBundle?: string;
  };
  access: AccessRule[];
  manifestLimit: number;
  repositoryLimits: Array<{ prefix: string; manifestsize: number }>;
  proxy?: { remoteurl: string; username?: string; password?: string };
  accessLog: boolean;
};

/** distribution's default manifest limit is 4 MiB; so is ours. */
export const DEFAULT_MANIFEST_LIMIT = 4 << 20;

/** The configuration with no file. */
export function defaultConfig(): RegistryConfig {
  return {
    addr: "127.0.0.1:5000",
    root: "/var/lib/wharf-registry",
    storage: "filesystem",
    // compat: distribution disables deletes unless storage.delete.enabled is true.
    deleteEnabled: false,
    readOnly: false,
    access: [],
    manifestLimit: DEFAULT_MANIFEST_LIMIT,
    repositoryLimits: [],
    accessLog: true,
  };
}

/** Reads and validates a config file. Throws an Error naming the bad key. */
export async function loadConfig(path: string): Promise<RegistryConfig> {
  return parseConfig(await readFile(path, "utf8"));
}

type Obj = Record<string, unknown>;

/** Parses YAML text into a config over the defaults. Throws on a bad key's type. */
export function parseConfig(text: string): RegistryConfig {
  const doc = (parse(text) ?? {}) as unknown;
  const c = defaultConfig();
  const root = obj(doc, "");
  const http = obj(root.http, "http");
  c.addr = str(http.addr, "http.addr") ?? c.addr;
  if (http.tls !== undefined) {
    const tls = obj(http.tls, "http.tls");
    const certificate = str(tls.certificate, "http.tls.certificate");
    const key = str(tls.key, "http.tls.key");
    c.tls = {
      selfSigned: bool(tls.selfsigned, "http.tls.selfsigned") ?? false,
    };
    if (certificate !== undefined) c.tls.certificate = certificate;
    if (key !== undefined) c.tls.key = key;
    if ((certificate === undefined) !== (key === undefined))
      throw new Error("config: http.tls needs both certificate and key");
  }
  const storage = obj(root.storage, "storage");
  if (storage.inmemory !== undefined) c.storage = "memory";
  const fs = obj(storage.filesystem, "storage.filesystem");
  c.root = str(fs.rootdirectory, "storage.filesystem.rootdirectory") ?? c.root;
  c.deleteEnabled =
    bool(
      obj(storage.delete, "storage.delete").enabled,
      "storage.delete.enabled",
    ) ?? c.deleteEnabled;
  const ro = obj(
    obj(storage.maintenance, "storage.maintenance").readonly,
    "storage.maintenance.readonly",
  );
  c.readOnly =
    bool(ro.enabled, "storage.maintenance.readonly.enabled") ?? false;
  const auth = obj(root.auth, "auth");
  if (auth.htpasswd !== undefined) {
    const h = obj(auth.htpasswd, "auth.htpasswd");
    const path = str(h.path, "auth.htpasswd.path");
    if (path === undefined)
      throw new Error("config: auth.htpasswd.path is required");
    c.htpasswd = {
      realm: str(h.realm, "auth.htpasswd.realm") ?? "wharf-registry",
      path,
    };
  }
  if (auth.token !== undefined) {
    const t = obj(auth.token, "auth.token");
    const realm = str(t.realm, "auth.token.realm");
    const bundle = str(t.rootcertbundle, "auth.token.rootcertbundle");
    c.token = {
      service: str(t.service, "auth.token.service") ?? "wharf-registry",
      issuer: str(t.issuer, "auth.token.issuer") ?? "wharf-registry",
    };
    if (realm !== undefined) {
      if (bundle === undefined)
        throw new Error(
          "config: auth.token.realm needs auth.token.rootcertbundle to verify its tokens",
        );
      c.token.realm = realm;
      c.token.rootCertBundle = bundle;
    }
  }
  c.access = list(root.access, "access").map((r, i) =>
    accessRule(r, `access[${i}]`),
  );
  const limits = obj(root.limits, "limits");
  c.manifestLimit =
    num(limits.manifestsize, "limits.manifestsize") ?? c.manifestLimit;
  c.repositoryLimits = list(limits.repositories, "limits.repositories").map(
    (r, i) => {
      const o = obj(r, `limits.repositories[${i}]`);
      const prefix = str(o.prefix, `limits.repositories[${i}].prefix`) ?? "";
      const manifestsize =
        num(o.manifestsize, `limits.repositories[${i}].manifestsize`) ??
        c.manifestLimit;
      return { prefix, manifestsize };
    },
  );
  if (root.proxy !== undefined) {
    const p = obj(root.proxy, "proxy");
    const remoteurl = str(p.remoteurl, "proxy.remoteurl");
    if (remoteurl === undefined)
      throw new Error("config: proxy.remoteurl is required");
    c.proxy = { remoteurl };
    const u = str(p.username, "proxy.username");
    const pw = str(p.password, "proxy.password");
    if (u !== undefined) c.proxy.username = u;
    if (pw !== undefined) c.proxy.password = pw;
  }
  const log = obj(obj(root.log, "log").accesslog, "log.accesslog");
  c.accessLog = !(bool(log.disabled, "log.accesslog.disabled") ?? false);
  return c;
}

function accessRule(v: unknown, key: string): AccessRule {
  const o = obj(v, key);
  const prefix = str(o.prefix, `${key}.prefix`);
  if (prefix === undefined)
    throw new Error(`config: ${key}.prefix is required`);
  const rule: AccessRule = { prefix };
  for (const a of ["pull", "push", "delete"] as const)
    if (o[a] !== undefined)
      rule[a] = list(o[a], `${key}.${a}`).map((x) => String(x));
  return rule;
}

function obj(v: unknown, key: string): Obj {
  if (v === undefined || v === null) return {};
  if (typeof v !== "object" || Array.isArray(v))
    throw new Error(`config: ${key || "document"} must be a mapping`);
  return v as Obj;
}
function list(v: unknown, key: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new Error(`config: ${key} must be a list`);
  return v;
}
function str(v: unknown, key: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw new Error(`config: ${key} must be a string`);
  return v;
}
function bool(v: unknown, key: string): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean")
    throw new Error(`config: ${key} must be true or false`);
  return v;
}
function num(v: unknown, key: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0)
    throw new Error(`config: ${key} must be a positive integer`);
  return v;
}
