/**
 * client.registry: the endpoints that talk to a registry through the
 * daemon (pull, push, login, search, distribution inspect). Credentials
 * travel in X-Registry-Auth (base64url JSON of Docker's AuthConfig).
 */
import type { Readable } from "node:stream";
import type { ImageSearchResult } from "../api/images.ts";
import { nonEmptyFilters } from "../conventions/filters.ts";
import type { Transport } from "./transport.ts";
import type { Filters } from "./types.ts";

/** Docker's AuthConfig as the CLI sends it (X-Registry-Auth, POST /auth). */
export type RegistryAuth = {
  username?: string;
  password?: string;
  serveraddress?: string;
  identitytoken?: string;
  registrytoken?: string;
};

/** One row of GET /images/search. */
export type SearchResult = ImageSearchResult;

/** GET /distribution/{name}/json. */
export type DistributionInspect = {
  Descriptor: {
    mediaType: string;
    digest: string;
    size: number;
    urls?: string[];
    annotations?: Record<string, string>;
  };
  Platforms: {
    architecture: string;
    os: string;
    variant?: string;
    "os.version"?: string;
    "os.features"?: string[];
  }[];
};

/** Encodes an AuthConfig for X-Registry-Auth (base64url of its JSON, as the Docker CLI). */
export function encodeAuth(auth: RegistryAuth | undefined): string {
  return Buffer.from(JSON.stringify(auth ?? {})).toString("base64url");
}

const encName = (name: string): string =>
  name.split("/").map(encodeURIComponent).join("/");

/** The registry endpoints. */
export class RegistryApi {
  #t: Transport;
  constructor(transport: Transport) {
    this.#t = transport;
  }

  /** POST /images/create?fromImage=: a stream of JSON progress messages. An empty tag pulls every tag. */
  pull(
    image: string,
    options: { tag?: string; platform?: string; auth?: RegistryAuth } = {},
  ): Promise<Readable> {
    return this.#t.request("POST", "/images/create", {
      query: { fromImage: image, tag: options.tag, platform: options.platform },
      headers: { "X-Registry-Auth": encodeAuth(options.auth) },
    });
  }

  /** POST /images/{name}/push: a stream of JSON progress messages. */
  push(
    name: string,
    options: { tag?: string; auth?: RegistryAuth } = {},
  ): Promise<Readable> {
    return this.#t.request("POST", `/images/${encName(name)}/push`, {
      query: { tag: options.tag },
      headers: { "X-Registry-Auth": encodeAuth(options.auth) },
    });
  }

  /** POST /auth. Throws ClientError 401 when the registry refuses. */
  auth(
    auth: RegistryAuth,
  ): Promise<{ Status: string; IdentityToken?: string }> {
    return this.#t.json("POST", "/auth", { body: auth });
  }

  /** GET /images/search. */
  search(
    term: string,
    options: { limit?: number; filters?: Filters; auth?: RegistryAuth } = {},
  ): Promise<SearchResult[]> {
    return this.#t.json("GET", "/images/search", {
      query: {
        term,
        limit: options.limit,
        filters: nonEmptyFilters(options.filters),
      },
      headers: { "X-Registry-Auth": encodeAuth(options.auth) },
    });
  }

  /** GET /distribution/{name}/json. */
  distribution(
    name: string,
    options: { auth?: RegistryAuth } = {},
  ): Promise<DistributionInspect> {
    return this.#t.json("GET", `/distribution/${encName(name)}/json`, {
      headers: { "X-Registry-Auth": encodeAuth(options.auth) },
    });
  }
}
