import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { MediaTypes } from "../../oci/media-types.ts";
import { RegistryApp, type AppOptions } from "./app.ts";
import { defaultConfig, type RegistryConfig } from "./config.ts";
import { buildServices } from "./main.ts";
import type { StorageDriver } from "./storage/driver.ts";
import { MemoryDriver } from "./storage/memory.ts";
import { PullThrough } from "./proxy/pull-through.ts";
import { Upstream } from "./proxy/upstream.ts";

/**
 * An in-process registry on a loopback port for unit tests: the real app
 * over a memory driver (or the one given). Call close() when done.
 */
export async function testRegistry(
  options: {
    config?: Partial<RegistryConfig>;
    app?: AppOptions;
    driver?: StorageDriver;
  } = {},
): Promise<{
  url: string;
  app: RegistryApp;
  driver: StorageDriver;
  close: () => Promise<void>;
}> {
  const driver = options.driver ?? new MemoryDriver();
  const config = { ...defaultConfig(), deleteEnabled: true, ...options.config };
  const services = buildServices(driver, config);
  if (config.proxy) {
    services.proxy = new PullThrough(
      new Upstream(config.proxy.remoteurl, config.proxy),
      services,
    );
    services.policy.readOnly = true;
  }
  const app = new RegistryApp(services, options.app ?? {});
  const server = createServer(app.handle.bind(app));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    driver,
    close: async () => {
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/** The content-type header of an OCI image manifest upload. */
export const OCI_MANIFEST_HEADERS = { "content-type": MediaTypes.ociManifest };

/**
 * An OCI image manifest's JSON for tests: the config and the (plain tar)
 * layers given by digest and size, plus any extra top-level fields.
 */
export function ociManifestJson(
  config: { digest: string; size: number },
  layers: { digest: string; size: number }[],
  extra: object = {},
): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaTypes.ociManifest,
    config: { mediaType: MediaTypes.ociConfig, ...config },
    layers: layers.map((l) => ({ mediaType: MediaTypes.ociLayer, ...l })),
    ...extra,
  });
}
