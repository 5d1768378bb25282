/**
 * Which daemon a command talks to and how, resolved as the Docker CLI does:
 * `--context`, else "default" when `-H` or DOCKER_HOST/WHARF_HOST is set, else
 * DOCKER_CONTEXT, else config.json's currentContext, else "default". The
 * default context takes its host from -H or the environment and its TLS from
 * `--tls*` flags, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH; a stored context
 * from its meta.json and TLS files.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { resolveHost, type ClientTls } from "../../client/index.ts";
import { InvalidArgumentError } from "../../util/errors.ts";
import { configDir, ContextStore, DEFAULT_CONTEXT } from "./store.ts";

/** The global connection flags as parsed (only `changed` ones count as given). */
export type ConnectionFlags = {
  hosts: string[];
  context?: string;
  tls: boolean;
  tlsVerify?: boolean;
  tlsCaCert?: string;
  tlsCert?: string;
  tlsKey?: string;
};

/** A resolved endpoint: the context's name, the host URL and TLS when used. */
export type Endpoint = { context: string; host: string; tls?: ClientTls };

/** The context name in effect (Docker's precedence). Throws InvalidArgumentError for -H with --context. */
export function contextName(
  flags: ConnectionFlags,
  env: NodeJS.ProcessEnv,
  store: ContextStore,
): string {
  if (flags.context && flags.hosts.length)
    throw new InvalidArgumentError(
      "conflicting options: either specify --host or --context, not both",
    );
  if (flags.context) return flags.context;
  if (flags.hosts.length || env.DOCKER_HOST || env.WHARF_HOST)
    return DEFAULT_CONTEXT;
  return env.DOCKER_CONTEXT || store.current() || DEFAULT_CONTEXT;
}

/** Resolves where to connect. Throws InvalidArgumentError for unknown contexts and unreadable TLS files. */
export function resolveEndpoint(
  flags: ConnectionFlags,
  env: NodeJS.ProcessEnv,
): Endpoint {
  const store = new ContextStore(configDir(env));
  const name = contextName(flags, env, store);
  if (name !== DEFAULT_CONTEXT) {
    let meta;
    try {
      meta = store.get(name);
    } catch (err) {
      // compat: the Docker CLI's wording for an unknown --context / DOCKER_CONTEXT.
      throw new InvalidArgumentError(
        `Failed to initialize: unable to resolve docker endpoint: ${(err as Error).message}`,
      );
    }
    const docker = meta.Endpoints.docker;
    if (!docker)
      throw new InvalidArgumentError(
        `context "${name}" has no docker endpoint`,
      );
    const files = store.tls(name);
    const useTls =
      docker.SkipTLSVerify || Object.keys(files).length > 0
        ? { verify: !docker.SkipTLSVerify, ...files }
        : undefined;
    return {
      context: name,
      host: docker.Host,
      ...(useTls ? { tls: useTls } : {}),
    };
  }
  const host = resolveHost(flags.hosts.at(-1), env);
  const tls = defaultTls(flags, env);
  return { context: DEFAULT_CONTEXT, host, ...(tls ? { tls } : {}) };
}

/** The default context's TLS from flags and environment, or undefined for plain connections. */
function defaultTls(
  flags: ConnectionFlags,
  env: NodeJS.ProcessEnv,
): ClientTls | undefined {
  // compat: DOCKER_TLS_VERIFY set to anything non-empty means --tlsverify.
  const verify = flags.tlsVerify ?? Boolean(env.DOCKER_TLS_VERIFY);
  if (!flags.tls && !verify && flags.tlsVerify === undefined) return undefined;
  const certPath = env.DOCKER_CERT_PATH || configDir(env);
  const tls: ClientTls = { verify };
  const ca = flags.tlsCaCert ?? join(certPath, "ca.pem");
  // compat: the CA is read whenever TLS is on (a missing one is an error when verifying);
  // the client pair only when given or present at the default paths.
  if (verify || flags.tlsCaCert !== undefined)
    tls.ca = read("CA certificate", ca);
  const cert = flags.tlsCert ?? join(certPath, "cert.pem");
  const key = flags.tlsKey ?? join(certPath, "key.pem");
  if (flags.tlsCert !== undefined || existsSync(cert))
    tls.cert = read("certificate", cert);
  if (flags.tlsKey !== undefined || existsSync(key)) tls.key = read("key", key);
  return tls;
}

function read(what: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    // compat: go-connections' tlsconfig wording.
    throw new InvalidArgumentError(
      `Could not read ${what} "${path}": ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "open " + path + ": no such file or directory" : (err as Error).message}`,
    );
  }
}
