/** client.images: the /images endpoints. */
import { nonEmptyFilters } from "../conventions/filters.ts";
import type { Readable } from "node:stream";
import type { ImageImportOptions } from "../api/images.ts";
import type { Transport } from "./transport.ts";
import type {
  Filters,
  ImageDeleteItem,
  ImageHistoryItem,
  ImageInspect,
  ImagePruneResponse,
  ImageSummary,
} from "./types.ts";

// compat: image names keep their slashes in paths (/images/library/busybox/json).
const encName = (name: string): string =>
  name.split("/").map(encodeURIComponent).join("/");

/** Options of import: the source and the new image's name, message and Dockerfile changes. */
export type ImportOptions = ImageImportOptions;

/** The /images endpoints. */
export class ImagesApi {
  #t: Transport;
  constructor(transport: Transport) {
    this.#t = transport;
  }

  /** GET /images/json. */
  list(
    options: { all?: boolean; digests?: boolean; filters?: Filters } = {},
  ): Promise<ImageSummary[]> {
    return this.#t.json("GET", "/images/json", {
      query: {
        all: options.all || undefined,
        digests: options.digests || undefined,
        filters: nonEmptyFilters(options.filters),
      },
    });
  }

  /** GET /images/{name}/json. Throws ClientError 404 "No such image: …". */
  inspect(name: string): Promise<ImageInspect> {
    return this.#t.json("GET", `/images/${encName(name)}/json`);
  }

  /** DELETE /images/{name}: the untagged and deleted items. */
  remove(
    name: string,
    options: { force?: boolean; noprune?: boolean; platforms?: string[] } = {},
  ): Promise<ImageDeleteItem[]> {
    return this.#t.json("DELETE", `/images/${encName(name)}`, {
      query: {
        force: options.force || undefined,
        noprune: options.noprune || undefined,
        platforms: options.platforms?.length ? options.platforms : undefined,
      },
    });
  }

  /** POST /images/{name}/tag. */
  async tag(
    name: string,
    target: { repo: string; tag?: string },
  ): Promise<void> {
    const res = await this.#t.request("POST", `/images/${encName(name)}/tag`, {
      query: { repo: target.repo, tag: target.tag },
    });
    res.resume();
  }

  /** GET /images/{name}/history, newest layer first; `platform` is OCI platform JSON. */
  history(
    name: string,
    options: { platform?: string } = {},
  ): Promise<ImageHistoryItem[]> {
    return this.#t.json("GET", `/images/${encName(name)}/history`, {
      query: { platform: options.platform },
    });
  }

  /** POST /images/prune. */
  prune(options: { filters?: Filters } = {}): Promise<ImagePruneResponse> {
    return this.#t.json("POST", "/images/prune", {
      query: { filters: nonEmptyFilters(options.filters) },
    });
  }

  /** POST /images/create?fromSrc=…: a stream of JSON progress messages (see json-lines.ts). */
  import(
    body: Readable | undefined,
    options: ImportOptions,
  ): Promise<Readable> {
    return this.#t.request("POST", "/images/create", {
      query: {
        fromSrc: options.fromSrc,
        repo: options.repo,
        tag: options.tag,
        message: options.message,
        changes: options.changes,
        platform: options.platform,
      },
      ...(body
        ? { body, headers: { "Content-Type": "application/x-tar" } }
        : {}),
    });
  }

  /** POST /images/create?fromImage=…: pulls; a stream of JSON progress messages. */
  pull(
    image: string,
    options: { tag?: string; platform?: string } = {},
  ): Promise<Readable> {
    return this.#t.request("POST", "/images/create", {
      query: { fromImage: image, tag: options.tag, platform: options.platform },
    });
  }

  /** GET /images/get?names=…: a tar stream of the images. */
  save(
    names: string[],
    options: { platform?: string } = {},
  ): Promise<Readable> {
    return this.#t.request("GET", "/images/get", {
      query: { names, platform: options.platform },
    });
  }

  /** POST /images/load: a stream of JSON progress messages. */
  load(
    body: Readable,
    options: { quiet?: boolean; platform?: string } = {},
  ): Promise<Readable> {
    return this.#t.request("POST", "/images/load", {
      query: { quiet: options.quiet ?? false, platform: options.platform },
      body,
      headers: { "Content-Type": "application/x-tar" },
    });
  }
}
