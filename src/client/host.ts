/**
 * Where the client connects: `-H/--host`, else WHARF_HOST, else DOCKER_HOST,
 * else the default UNIX socket. Accepts unix:///path, tcp://host:port and a bare
 * absolute socket path.
 */
import { InvalidArgumentError } from "../util/errors.ts";

/** The socket wharfd listens on by default. */
export const DEFAULT_HOST = "unix:///run/wharf/wharf.sock";

/** A parsed daemon address: a UNIX socket path or a TCP host and port. */
export type HostAddress =
  | { kind: "unix"; socketPath: string; url: string }
  | { kind: "tcp"; host: string; port: number; url: string };

/** Picks the daemon URL from the flag and the environment (first set wins). */
export function resolveHost(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
): string {
  return flag || env.WHARF_HOST || env.DOCKER_HOST || DEFAULT_HOST;
}

/** Parses a daemon URL. Throws InvalidArgumentError for other schemes. */
export function parseHost(url: string): HostAddress {
  if (url.startsWith("/")) return { kind: "unix", socketPath: url, url };
  if (url.startsWith("unix://")) {
    const socketPath = url.slice("unix://".length);
    if (!socketPath) throw new InvalidArgumentError(`invalid host: ${url}`);
    return { kind: "unix", socketPath, url };
  }
  if (url.startsWith("tcp://")) {
    const rest = url.slice("tcp://".length).replace(/\/+$/, "");
    const m = /^(\[[^\]]+\]|[^:]*)(?::(\d+))?$/.exec(rest);
    if (!m) throw new InvalidArgumentError(`invalid host: ${url}`);
    const host = (m[1] || "127.0.0.1").replace(/^\[|\]$/g, "");
    // compat: Docker's default TCP port is 2375 (2376 with TLS).
    const port = m[2] ? Number(m[2]) : 2375;
    return { kind: "tcp", host, port, url };
  }
  throw new InvalidArgumentError(
    `unable to parse docker host \`${url}\`: unsupported scheme`,
  );
}
