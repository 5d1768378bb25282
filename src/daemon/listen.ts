import { readFile } from "node:fs/promises";
import { parseHost, type Listen, type TlsFiles } from "../server/server.ts";
import { InvalidArgumentError, errorMessage } from "../util/errors.ts";
import type { Logger } from "../util/log.ts";
import type { DaemonConfig } from "./config.ts";
import { getgrnam } from "./groups.ts";

/**
 * Turns the configured hosts into listen addresses: UNIX sockets get the
 * group's gid, tcp:// hosts get the TLS files when --tls/--tlsverify is set.
 * Throws InvalidArgumentError for a bad host or unreadable TLS files.
 */
export async function listenAddresses(
  config: DaemonConfig,
  log: Logger,
): Promise<Listen[]> {
  const gid = await getgrnam(config.group);
  const tls = config.tls ? await readTls(config) : undefined;
  return config.hosts.map((h) => {
    let a: Listen;
    try {
      a = parseHost(h);
    } catch (err) {
      throw new InvalidArgumentError(errorMessage(err));
    }
    if (a.kind === "unix") return gid !== undefined ? { ...a, gid } : a;
    if (tls) return { ...a, tls };
    // compat: dockerd warns loudly about an unauthenticated TCP socket; so do we.
    log.warn(
      `binding to ${h} without TLS: anyone who can reach it controls the host; use --tlsverify`,
    );
    return a;
  });
}

async function readTls(config: DaemonConfig): Promise<TlsFiles> {
  const read = async (what: string, path: string): Promise<Buffer> => {
    try {
      return await readFile(path);
    } catch (err) {
      throw new InvalidArgumentError(
        `could not load TLS ${what} ${path}: ${errorMessage(err)}`,
      );
    }
  };
  const files: TlsFiles = {
    key: await read("key", config.tlsKey),
    cert: await read("certificate", config.tlsCert),
    verify: config.tlsVerify,
  };
  if (config.tlsVerify)
    files.ca = await read("CA certificate", config.tlsCaCert);
  return files;
}
