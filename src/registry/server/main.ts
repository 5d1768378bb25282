import { createServer as createHttp, type Server } from "node:http";
import { createServer as createHttps } from "node:https";
import { join } from "node:path";
import { AccessRules } from "./auth/access.ts";
import { BasicAuthenticator } from "./auth/basic.ts";
import { Htpasswd } from "./auth/htpasswd.ts";
import { keysFromBundle } from "./auth/jwt.ts";
import { TokenAuthenticator } from "./auth/token.ts";
import { readFile } from "node:fs/promises";
import type { Authenticator } from "./auth/authenticator.ts";
import { RegistryApp } from "./app.ts";
import type { RegistryConfig } from "./config.ts";
import { lockRoot } from "./root-lock.ts";
import type { Services } from "./services.ts";
import { BlobStore } from "./storage/blobs.ts";
import type { StorageDriver } from "./storage/driver.ts";
import { FilesystemDriver } from "./storage/filesystem.ts";
import { ManifestStore } from "./storage/manifests.ts";
import { MemoryDriver } from "./storage/memory.ts";
import { UploadStore } from "./storage/uploads.ts";
import { givenTls, selfSignedTls } from "./tls.ts";
import { PullThrough } from "./proxy/pull-through.ts";
import { Upstream } from "./proxy/upstream.ts";

/** Builds the stores over a driver with the config's policy. */
export function buildServices(
  driver: StorageDriver,
  config: RegistryConfig,
): Services {
  const blobs = new BlobStore(driver);
  return {
    driver,
    blobs,
    uploads: new UploadStore(driver, blobs),
    manifests: new ManifestStore(driver, blobs),
    policy: {
      deleteEnabled: config.deleteEnabled,
      readOnly: config.readOnly,
      manifestLimit: (name) =>
        config.repositoryLimits.find((l) => name.startsWith(l.prefix))
          ?.manifestsize ?? config.manifestLimit,
    },
  };
}

/**
 * Builds the authenticator the config asks for, if any: bearer tokens
 * (auth.token, whose built-in endpoint checks auth.htpasswd users) or
 * Basic over htpasswd.
 */
export async function buildAuthenticator(config: RegistryConfig): Promise<{
  authenticator?: Authenticator;
  tokenServer?: TokenAuthenticator;
}> {
  const basic = config.htpasswd
    ? new BasicAuthenticator(
        await Htpasswd.load(config.htpasswd.path),
        config.htpasswd.realm,
      )
    : undefined;
  const rules = new AccessRules(
    config.access,
    basic !== undefined || config.token !== undefined,
  );
  if (config.token) {
    const t = config.token;
    const keys =
      t.rootCertBundle !== undefined
        ? {
            publicKeys: keysFromBundle(
              await readFile(t.rootCertBundle, "utf8"),
            ),
          }
        : {};
    const token = new TokenAuthenticator(
      {
        ...(t.realm !== undefined ? { realm: t.realm } : {}),
        service: t.service,
        issuer: t.issuer,
        keys,
      },
      basic,
      rules,
    );
    return token.builtin
      ? { authenticator: token, tokenServer: token }
      : { authenticator: token };
  }
  return basic ? { authenticator: basic } : {};
}

/** A running registry: its server, bound address and a stop function. */
export type RunningRegistry = {
  server: Server;
  url: string;
  stop: () => Promise<void>;
};

/**
 * Serves the registry until stopped: takes the root's lock, builds the
 * app, listens on config.addr (port 0 picks one). Throws when the root is
 * served by another process or a feature of the config is not built.
 */
export async function serve(
  config: RegistryConfig,
  log: { access: (l: string) => void; error: (l: string) => void },
): Promise<RunningRegistry> {
  const filesystem = config.storage === "filesystem";
  const release = filesystem
    ? await lockRoot(config.root, "serve")
    : async () => {};
  try {
    const driver = filesystem
      ? new FilesystemDriver(config.root)
      : new MemoryDriver();
    const { authenticator, tokenServer } = await buildAuthenticator(config);
    const services = buildServices(driver, config);
    if (config.proxy) {
      const { remoteurl, username, password } = config.proxy;
      services.proxy = new PullThrough(
        new Upstream(remoteurl, {
          ...(username !== undefined ? { username } : {}),
          ...(password !== undefined ? { password } : {}),
        }),
        services,
      );
      // compat: distribution's proxy mode refuses pushes and deletes too.
      services.policy.readOnly = true;
    }
    const app = new RegistryApp(services, {
      rules: new AccessRules(config.access, authenticator !== undefined),
      ...(authenticator ? { authenticator } : {}),
      ...(tokenServer ? { tokenServer } : {}),
      ...(config.accessLog ? { accessLog: log.access } : {}),
      errorLog: log.error,
    });
    const handler = app.handle.bind(app);
    let server: Server;
    if (config.tls) {
      const t =
        config.tls.certificate !== undefined && config.tls.key !== undefined
          ? await givenTls(config.tls.certificate, config.tls.key)
          : await selfSignedTls(join(filesystem ? config.root : ".", "tls"));
      server = createHttps({ cert: t.cert, key: t.key }, handler);
    } else server = createHttp(handler);
    // Large blobs stream for minutes; only idle sockets time out.
    server.requestTimeout = 0;
    const { host, port } = splitAddr(config.addr);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolve());
    });
    const bound = server.address();
    const actualPort = typeof bound === "object" && bound ? bound.port : port;
    const scheme = config.tls ? "https" : "http";
    const hostPart = host.includes(":") ? `[${host}]` : host;
    return {
      server,
      url: `${scheme}://${hostPart}:${actualPort}`,
      stop: async () => {
        const closed = new Promise<void>((r) => server.close(() => r()));
        server.closeAllConnections();
        await closed;
        await release();
      },
    };
  } catch (err) {
    await release();
    throw err;
  }
}

/** Splits "host:port", "[v6]:port" or ":port" (all interfaces). */
export function splitAddr(addr: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(addr);
  if (!m) throw new Error(`invalid listen address ${addr}: want host:port`);
  return { host: m[1] ?? (m[2] || "0.0.0.0"), port: Number(m[3]) };
}
