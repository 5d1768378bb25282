import { repositoryScope } from "../protocol/challenge.ts";
import {
  Authorizer,
  RegistryAuthError,
  challengesOf,
  type Credentials,
} from "./auth.ts";
import {
  endpointsFor,
  HUB_DISABLED,
  HubDisabledError,
  INDEX_SERVER,
  type RegistrySettings,
} from "./hosts.ts";
import { HttpClient, isFallbackError } from "./http.ts";
import { RepositoryClient } from "./repository.ts";
import { searchV1, type SearchResult } from "./search.ts";

/**
 * The engine's client for registries: one keep-alive HTTP client, one token
 * cache, and the daemon's registry settings (mirrors, insecure registries,
 * certs.d). Hands out RepositoryClients for pull and push and validates
 * logins.
 */
export class RegistryClient {
  readonly settings: RegistrySettings;
  #http: HttpClient;
  #auth: Authorizer;

  constructor(options: { settings: RegistrySettings; timeoutMs: number }) {
    this.settings = options.settings;
    this.#http = new HttpClient({ timeoutMs: options.timeoutMs });
    this.#auth = new Authorizer(this.#http);
  }

  /**
   * A client for `path` on `domain` (docker.io names go to mirrors first),
   * authorized for pull, or pull and push; `mountFrom` adds pull on other
   * repositories for cross-repository mounts. Throws
   * RegistryConnectionError when no endpoint answers.
   */
  async repository(
    domain: string,
    path: string,
    options: {
      credentials: Credentials;
      push?: boolean;
      mountFrom?: string[];
      signal?: AbortSignal;
    },
  ): Promise<RepositoryClient> {
    const scopes = [
      repositoryScope(path, options.push ? ["pull", "push"] : ["pull"]),
      ...(options.mountFrom ?? []).map((p) => repositoryScope(p, ["pull"])),
    ];
    const endpoints = await endpointsFor(domain, this.settings);
    // Mirrors are read-only (moby pushes to the registry itself).
    const usable = options.push
      ? endpoints.filter((e) => !e.mirror)
      : endpoints;
    if (usable.length === 0)
      throw new HubDisabledError(`${HUB_DISABLED}: no push to Docker Hub`);
    return RepositoryClient.open(
      { http: this.#http, auth: this.#auth },
      usable,
      {
        path,
        credentials: options.credentials,
        scopes,
        ...(options.signal ? { signal: options.signal } : {}),
      },
    );
  }

  /**
   * Checks credentials against a registry's `/v2/` (POST /auth). Throws
   * RegistryAuthError with Docker's text when they are refused.
   */
  async login(
    domain: string,
    credentials: Credentials,
    signal?: AbortSignal,
  ): Promise<void> {
    const endpoints = (await endpointsFor(domain, this.settings)).filter(
      (e) => !e.mirror,
    );
    if (endpoints.length === 0)
      throw new HubDisabledError(`${HUB_DISABLED}: no login to Docker Hub`);
    let last: unknown;
    for (const endpoint of endpoints) {
      try {
        const sig = signal ? { signal } : {};
        const ping = await this.#http.send(endpoint, {
          method: "GET",
          url: "/v2/",
          ...sig,
        });
        ping.resume();
        if (ping.statusCode === 200) return;
        const challenges = challengesOf(ping.headers["www-authenticate"]);
        const header = await this.#auth
          .header(endpoint, challenges, {
            credentials,
            scopes: [],
            refresh: true,
            ...sig,
          })
          .catch((err: unknown) => {
            // compat: moby's login shows a token refusal as Go's url.Error of the ping.
            if (err instanceof RegistryAuthError && challenges.length > 0)
              throw new RegistryAuthError(
                `Get "${endpoint.base}/v2/": ${err.message}`,
              );
            throw err;
          });
        const res = await this.#http.send(endpoint, {
          method: "GET",
          url: "/v2/",
          headers: header ? { authorization: header } : {},
          ...sig,
        });
        res.resume();
        if (res.statusCode === 200) return;
        // compat: moby's loginV2 wording.
        throw new RegistryAuthError(
          `login attempt to ${endpoint.base}/v2/ failed with status: ${res.statusCode ?? 0} ${res.statusMessage ?? ""}`.trim(),
        );
      } catch (err) {
        if (!isFallbackError(err)) throw err;
        last = err;
      }
    }
    throw last;
  }

  /**
   * Searches `domain`'s v1 search endpoint (Docker Hub's index for
   * docker.io). Throws SearchStatusError, RegistryConnectionError.
   */
  async search(
    domain: string,
    options: {
      term: string;
      limit: number;
      credentials: Credentials;
      signal?: AbortSignal;
    },
  ): Promise<SearchResult[]> {
    const endpoints =
      domain === "docker.io"
        ? [
            {
              base: "https://index.docker.io",
              host: "index.docker.io",
              mirror: false,
              skipVerify: false,
              tls: {},
            },
          ]
        : (await endpointsFor(domain, this.settings)).filter((e) => !e.mirror);
    return searchV1(this.#http, endpoints, options);
  }

  /** The index address Docker reports in /info. */
  get indexServer(): string {
    return INDEX_SERVER;
  }

  /** Closes idle connections. */
  close(): void {
    this.#http.close();
  }
}
