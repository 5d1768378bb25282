/**
 * EngineClient: the typed Engine API client used by the CLI and compose.
 *
 *   const client = new EngineClient(resolveHost(undefined, process.env));
 *   const { Id } = await client.containers.create({ Image: "busybox", Cmd: ["true"] });
 *   await client.containers.start(Id);
 *
 * Every call negotiates the API version once (HEAD /_ping) and sends paths
 * under /v1.NN. Non-2xx/3xx answers throw ClientError (status + the daemon's
 * message); an unreachable daemon throws ConnectionError.
 */
import { ArchiveApi } from "./archive.ts";
import { ContainersApi } from "./containers.ts";
import { ExecApi } from "./exec.ts";
import { ImagesApi } from "./images.ts";
import { NetworksApi } from "./networks.ts";
import { RegistryApi } from "./registry.ts";
import { SystemApi } from "./system.ts";
import { Transport, type TransportOptions } from "./transport.ts";
import { VolumesApi } from "./volumes.ts";

/** Groups the endpoints by kind over one transport. */
export class EngineClient {
  readonly transport: Transport;
  readonly archive: ArchiveApi;
  readonly containers: ContainersApi;
  readonly exec: ExecApi;
  readonly images: ImagesApi;
  readonly networks: NetworksApi;
  readonly registry: RegistryApi;
  readonly system: SystemApi;
  readonly volumes: VolumesApi;

  /** host: unix:///path, tcp://host:port, ssh://user@host or /path; version pins the API version (no ping); tls for tcp://. */
  constructor(host: string, options: TransportOptions = {}) {
    this.transport = new Transport(host, options);
    this.archive = new ArchiveApi(this.transport);
    this.containers = new ContainersApi(this.transport);
    this.exec = new ExecApi(this.transport);
    this.images = new ImagesApi(this.transport);
    this.networks = new NetworksApi(this.transport);
    this.registry = new RegistryApi(this.transport);
    this.system = new SystemApi(this.transport);
    this.volumes = new VolumesApi(this.transport);
  }

  /** The negotiated API version ("1.50" or the daemon's older one). */
  apiVersion(): Promise<string> {
    return this.transport.version();
  }

  /** Releases idle connections so the process can exit. */
  close(): void {
    this.transport.close();
  }
}
