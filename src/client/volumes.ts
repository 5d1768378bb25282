/** client.volumes: the /volumes endpoints. */
import type { Transport } from "./transport.ts";
import type {
  Filters,
  Volume,
  VolumeCreateBody,
  VolumeListResponse,
  VolumePruneResponse,
} from "./types.ts";

/** The /volumes endpoints. */
export class VolumesApi {
  #t: Transport;
  constructor(transport: Transport) {
    this.#t = transport;
  }

  /** GET /volumes. */
  list(options: { filters?: Filters } = {}): Promise<VolumeListResponse> {
    const f = options.filters;
    return this.#t.json("GET", "/volumes", {
      query: { filters: f && Object.keys(f).length ? f : undefined },
    });
  }

  /** POST /volumes/create: the new (or existing) volume. */
  create(body: VolumeCreateBody): Promise<Volume> {
    return this.#t.json("POST", "/volumes/create", { body });
  }

  /** GET /volumes/{name}. Throws ClientError 404 "get x: no such volume". */
  inspect(name: string): Promise<Volume> {
    return this.#t.json("GET", `/volumes/${encodeURIComponent(name)}`);
  }

  /** DELETE /volumes/{name}. Throws ClientError 409 while in use. */
  async remove(name: string, options: { force?: boolean } = {}): Promise<void> {
    const res = await this.#t.request(
      "DELETE",
      `/volumes/${encodeURIComponent(name)}`,
      { query: { force: options.force || undefined } },
    );
    res.resume();
  }

  /** POST /volumes/prune. */
  prune(options: { filters?: Filters } = {}): Promise<VolumePruneResponse> {
    const f = options.filters;
    return this.#t.json("POST", "/volumes/prune", {
      query: { filters: f && Object.keys(f).length ? f : undefined },
    });
  }
}
