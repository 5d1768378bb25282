/**
 * Where the client connects: `-H/--host`, else WHARF_HOST, else DOCKER_HOST,
 * else the default UNIX socket. Accepts unix:///path, tcp://host:port,
 * ssh://[user@]host[:port] and a bare absolute socket path.
 */
import { InvalidArgumentError } from "../util/errors.ts";

/** The socket wharfd listens on by default. */
export const DEFAULT_HOST = "unix:///run/wharf/wharf.sock";

/** A parsed daemon address: a UNIX socket path or a TCP host and port. */
export type HostAddress =
  | { kind: "unix"; socketPath: string; url: string }
  | { kind: "tcp"; host: string; port: number; url: string }
  | { kind: "ssh"; user?: string; host: string; port?: number; url: string };

/** Picks the daemon URL from the flag and the environment (first set wins). */
export function resolveHost(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
): string {
  return flag || env.WHARF_HOST || env.DOCKER_HOST || DEFAULT_HOST;
}

/**
 * Parses a daemon URL; `tls` makes 2376 the default TCP port (Docker's).
 * Throws InvalidArgumentError for other schemes.
 */
export function parseHost(url: string, tls = false): HostAddress {
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
    const port = m[2] ? Number(m[2]) : tls ? 2376 : 2375;
    return { kind: "tcp", host, port, url };
  }
  if (url.startsWith("ssh://")) return parseSsh(url);
  throw new InvalidArgumentError(
    `unable to parse docker host \`${url}\`: unsupported scheme`,
  );
}

/** ssh://[user@]host[:port]: no path, query or password (the Docker CLI's rules and texts). */
function parseSsh(url: string): HostAddress {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new InvalidArgumentError(`invalid SSH URL: ${url}`);
  }
  if (u.password)
    throw new InvalidArgumentError("plain-text password is not supported");
  if (u.pathname && u.pathname !== "/")
    throw new InvalidArgumentError(
      `extra path after the host: ${JSON.stringify(u.pathname)}`,
    );
  if (u.search)
    throw new InvalidArgumentError(
      `extra query after the host: ${JSON.stringify(u.search.slice(1))}`,
    );
  if (!u.hostname) throw new InvalidArgumentError("no host specified");
  const out: HostAddress = { kind: "ssh", host: u.hostname, url };
  if (u.username) out.user = decodeURIComponent(u.username);
  if (u.port) out.port = Number(u.port);
  return out;
}
