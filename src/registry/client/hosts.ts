import { readdir, readFile } from "node:fs/promises";
import { isIP } from "node:net";
import { join } from "node:path";
import { isErrno } from "../../util/errors.ts";
import { inCidr } from "../../util/ip.ts";

/** Docker Hub's registry API host, where docker.io names are pulled from. */
export const DOCKER_HUB_API = "registry-1.docker.io";
/** The index address Docker reports and keys Hub logins by. */
export const INDEX_SERVER = "https://index.docker.io/v1/";

/** The daemon's registry settings (dockerd's daemon.json keys). */
export type RegistrySettings = {
  /** `registry-mirrors`: base URLs tried first for docker.io names. */
  mirrors: string[];
  /** `insecure-registries`: CIDRs and host[:port] entries. */
  insecure: string[];
  /** certs.d roots, searched in order: `<dir>/<host[:port]>/{*.crt,*.cert,*.key}`. */
  certsDirs: string[];
  /**
   * `registry-hub-fallback` (a wharf extension, default true): false means
   * docker.io names go only to the mirrors and never to Docker Hub, for
   * air-gapped sites (and tests) where no lookup of Docker Hub may happen.
   */
  hubFallback?: boolean;
};

/** compat-free: the error when Docker Hub is switched off and no mirror can serve. */
export class HubDisabledError extends Error {
  override name = "HubDisabledError";
}

/** The words every Docker Hub refusal starts with. */
export const HUB_DISABLED =
  'Docker Hub is disabled by "registry-hub-fallback": false in daemon.json';

/** TLS material for one host from certs.d. */
export type HostTls = { ca?: Buffer[]; cert?: Buffer; key?: Buffer };

/** One place a repository can be reached: scheme + authority, in the order to try. */
export type Endpoint = {
  /** "https://127.0.0.1:5000" (no trailing slash). */
  base: string;
  /** host[:port] the credentials and certs.d entries are keyed by. */
  host: string;
  /** A registry-mirrors entry (docker.io only). */
  mirror: boolean;
  /** TLS certificates are not verified (an insecure registry over https). */
  skipVerify: boolean;
  tls: HostTls;
};

/**
 * The endpoints for a reference's domain, as moby's registry service
 * orders them: mirrors first for docker.io, then the registry itself over
 * https; an insecure registry is tried over https without verification and
 * then over plain http. With `hubFallback: false` a docker.io name gets
 * only its mirrors (HubDisabledError when there are none), so Docker Hub's
 * name is never looked up.
 */
export async function endpointsFor(
  domain: string,
  settings: RegistrySettings,
): Promise<Endpoint[]> {
  const out: Endpoint[] = [];
  if (domain === "docker.io") {
    for (const m of settings.mirrors) {
      const url = new URL(m);
      const secure = url.protocol === "https:";
      out.push({
        base: `${url.protocol}//${url.host}`,
        host: url.host,
        mirror: true,
        skipVerify: secure && isInsecure(url.host, settings.insecure),
        tls: secure ? await hostTls(url.host, settings.certsDirs) : {},
      });
    }
    if (settings.hubFallback === false) {
      if (out.length === 0)
        throw new HubDisabledError(
          `${HUB_DISABLED} and no registry-mirrors are set`,
        );
      return out;
    }
    domain = DOCKER_HUB_API;
  }
  const insecure = isInsecure(domain, settings.insecure);
  const tls = await hostTls(domain, settings.certsDirs);
  out.push({
    base: `https://${domain}`,
    host: domain,
    mirror: false,
    skipVerify: insecure,
    tls,
  });
  if (insecure)
    out.push({
      base: `http://${domain}`,
      host: domain,
      mirror: false,
      skipVerify: true,
      tls: {},
    });
  return out;
}

/**
 * True when a host[:port] is an insecure registry: listed by name (with or
 * without port), or an IP inside a listed CIDR. compat: 127.0.0.0/8 and
 * ::1 are always insecure, as in moby's registry/config.go.
 */
export function isInsecure(host: string, insecure: readonly string[]): boolean {
  const name = hostName(host);
  for (const entry of insecure) {
    if (entry === host || entry === name) return true;
  }
  const ip = name === "localhost" ? "127.0.0.1" : name;
  if (isIP(ip) === 0) return false;
  return ["127.0.0.0/8", "::1/128", ...insecure].some(
    (c) => c.includes("/") && inCidr(ip, c),
  );
}

/** The host part of host[:port] ("[::1]:5000" → "::1"). */
export function hostName(host: string): string {
  if (host.startsWith("[")) return host.slice(1, host.indexOf("]"));
  const colon = host.lastIndexOf(":");
  return colon !== -1 && host.indexOf(":") === colon
    ? host.slice(0, colon)
    : host;
}

/**
 * Reads certs.d for a host: every `*.crt` is a CA; `<name>.cert` with
 * `<name>.key` is a client pair (moby's ReadCertsDirectory). Missing
 * directories give no material.
 */
export async function hostTls(
  host: string,
  dirs: readonly string[],
): Promise<HostTls> {
  const tls: HostTls = {};
  for (const root of dirs) {
    const dir = join(root, host);
    let names: string[];
    try {
      names = (await readdir(dir)).sort();
    } catch (err) {
      if (isErrno(err, "ENOENT") || isErrno(err, "ENOTDIR")) continue;
      throw err;
    }
    for (const n of names) {
      if (n.endsWith(".crt"))
        (tls.ca ??= []).push(await readFile(join(dir, n)));
      else if (n.endsWith(".cert") && !tls.cert) {
        const keyName = n.slice(0, -5) + ".key";
        if (!names.includes(keyName))
          throw new Error(
            `missing key ${keyName} for client certificate ${n}. CA certificates must use the extension .crt`,
          );
        tls.cert = await readFile(join(dir, n));
        tls.key = await readFile(join(dir, keyName));
      }
    }
  }
  return tls;
}
