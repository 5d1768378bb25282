import { readFile, writeFile } from "node:fs/promises";
import { hostname as osHostname } from "node:os";
import { join } from "node:path";
import { InvalidArgumentError, isErrno } from "../../util/errors.ts";
import type { ContainerRecord } from "./record.ts";

/** Paths of the three files Docker bind-mounts over /etc in every container. */
export type HostFiles = {
  hostnamePath: string;
  hostsPath: string;
  resolvConfPath: string;
};

/** The host-file paths of a container whose data dir is dir. */
export function hostFilePaths(dir: string): HostFiles {
  return {
    hostnamePath: join(dir, "hostname"),
    hostsPath: join(dir, "hosts"),
    resolvConfPath: join(dir, "resolv.conf"),
  };
}

/**
 * Writes /etc/hostname, /etc/hosts and /etc/resolv.conf for a container.
 * With host networking they are the host's own (as Docker does).
 */
export async function writeHostFiles(
  r: ContainerRecord,
  files: HostFiles,
  options: {
    hostNetwork: boolean;
    hostResolvConf?: string;
    /** Lines networking adds after localhost (own address, links). */
    hosts?: string[] | undefined;
    /** Nameservers replacing the host's (unless --dns). */
    nameservers?: string[] | undefined;
    /** What --add-host's "host-gateway" means. */
    hostGateway?: string | undefined;
  },
): Promise<void> {
  const hc = r.hostConfig;
  const name = options.hostNetwork ? osHostname() : r.config.Hostname;
  await writeFile(files.hostnamePath, `${name}\n`);
  let hosts: string;
  if (options.hostNetwork) hosts = await readOr("/etc/hosts", "");
  else {
    hosts = [
      "127.0.0.1\tlocalhost",
      "::1\tlocalhost ip6-localhost ip6-loopback",
      "fe00::\tip6-localnet",
      "ff00::\tip6-mcastprefix",
      "ff02::1\tip6-allnodes",
      "ff02::2\tip6-allrouters",
      ...(options.hosts ?? []),
      "",
    ].join("\n");
  }
  for (const extra of hc.ExtraHosts ?? []) {
    const i = extra.indexOf(":");
    if (i < 1) throw new InvalidArgumentError(`invalid extra host: ${extra}`);
    let ip = extra.slice(i + 1).replace(/^\[|\]$/g, "");
    if (ip === "host-gateway") {
      if (!options.hostGateway)
        throw new InvalidArgumentError(
          "unable to derive the IP value for host-gateway",
        );
      ip = options.hostGateway;
    }
    hosts += `${ip}\t${extra.slice(0, i)}\n`;
  }
  await writeFile(files.hostsPath, hosts);
  let host = await readOr(options.hostResolvConf ?? "/etc/resolv.conf", "");
  if (options.nameservers)
    host = [
      ...options.nameservers.map((a) => `nameserver ${a}`),
      ...host.split("\n").filter((l) => !/^\s*nameserver\s/.test(l)),
    ].join("\n");
  await writeFile(
    files.resolvConfPath,
    resolvConf(host, {
      dns: hc.Dns ?? [],
      search: hc.DnsSearch ?? [],
      options: hc.DnsOptions ?? [],
      keepLoopback: options.hostNetwork,
    }),
  );
}

/**
 * The container's resolv.conf from the host's: loopback nameservers are
 * dropped (they do not answer inside another netns). Unlike moby, wharf
 * does not fall back to Google's public DNS when none is left (nothing
 * may leave the machine unasked); --dns, --dns-search and --dns-option
 * replace the matching lines. compat: moby libnetwork/resolvconf.
 */
export function resolvConf(
  host: string,
  o: {
    dns: string[];
    search: string[];
    options: string[];
    keepLoopback: boolean;
  },
): string {
  const lines = host.split("\n");
  let ns = lines
    .map((l) => /^\s*nameserver\s+(\S+)/.exec(l)?.[1])
    .filter((x): x is string => x !== undefined);
  if (!o.keepLoopback) ns = ns.filter((a) => !/^127\./.test(a) && a !== "::1");
  if (o.dns.length) ns = o.dns;
  const search = o.search.length
    ? o.search
    : lines
        .map((l) => /^\s*(?:search|domain)\s+(.+)/.exec(l)?.[1])
        .filter((x): x is string => x !== undefined)
        .flatMap((s) => s.trim().split(/\s+/));
  const options = o.options.length
    ? o.options
    : lines
        .map((l) => /^\s*options\s+(.+)/.exec(l)?.[1])
        .filter((x): x is string => x !== undefined)
        .flatMap((s) => s.trim().split(/\s+/));
  let out = ns.map((a) => `nameserver ${a}\n`).join("");
  if (search.length) out += `search ${search.join(" ")}\n`;
  if (options.length) out += `options ${options.join(" ")}\n`;
  return out;
}

async function readOr(path: string, fallback: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    if (isErrno(err, "ENOENT")) return fallback;
    throw err;
  }
}
