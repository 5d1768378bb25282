import { parseChallenges, type Challenge } from "../protocol/challenge.ts";
import { readBody, responseError, type HttpClient } from "./http.ts";
import type { Endpoint } from "./hosts.ts";

/** Credentials for one registry (what X-Registry-Auth and config.json carry). */
export type Credentials = {
  username?: string;
  password?: string;
  /** An OAuth refresh token from a previous login. */
  identityToken?: string;
  /** A bearer token to send as is. */
  registryToken?: string;
};

/** Raised when a registry wants credentials and has none or refuses them. */
export class RegistryAuthError extends Error {
  override name = "RegistryAuthError";
}

type CachedToken = { token: string; expires: number };

/**
 * Turns a registry's challenge into an Authorization header: Basic with the
 * credentials, or a bearer token fetched from the challenge's realm for the
 * wanted scopes (distribution docs/spec/auth/token.md). Tokens are cached
 * per realm, service, scopes and user until shortly before they expire.
 */
export class Authorizer {
  #http: HttpClient;
  #tokens = new Map<string, CachedToken>();

  constructor(http: HttpClient) {
    this.#http = http;
  }

  /**
   * The Authorization header for a request under `challenges`, or undefined
   * when the registry asked for none. `refresh` skips the cache (after a 401
   * with a cached token). Throws RegistryAuthError for Basic without
   * credentials, RegistryResponseError when the token server refuses.
   */
  async header(
    endpoint: Endpoint,
    challenges: Challenge[],
    options: {
      credentials: Credentials;
      scopes: string[];
      refresh?: boolean;
      signal?: AbortSignal;
    },
  ): Promise<string | undefined> {
    const creds = options.credentials;
    if (creds.registryToken) return `Bearer ${creds.registryToken}`;
    const bearer = challenges.find((c) => c.scheme === "bearer");
    if (bearer) return `Bearer ${await this.#token(endpoint, bearer, options)}`;
    const basic = challenges.find((c) => c.scheme === "basic");
    if (basic) {
      if (creds.username === undefined || creds.password === undefined)
        throw new RegistryAuthError("no basic auth credentials");
      return basicHeader(creds.username, creds.password);
    }
    return undefined;
  }

  async #token(
    endpoint: Endpoint,
    challenge: Challenge,
    options: {
      credentials: Credentials;
      scopes: string[];
      refresh?: boolean;
      signal?: AbortSignal;
    },
  ): Promise<string> {
    const realm = challenge.params.realm;
    if (!realm) throw new RegistryAuthError("bearer challenge without realm");
    const service = challenge.params.service ?? "";
    const creds = options.credentials;
    const key = [
      realm,
      service,
      options.scopes.join(" "),
      creds.username ?? "",
    ].join("|");
    const cached = this.#tokens.get(key);
    if (cached && !options.refresh && cached.expires > Date.now())
      return cached.token;
    const url = new URL(realm);
    if (service) url.searchParams.set("service", service);
    for (const s of options.scopes) url.searchParams.append("scope", s);
    const headers: Record<string, string> = {};
    if (creds.username !== undefined && creds.password !== undefined) {
      url.searchParams.set("account", creds.username);
      headers.authorization = basicHeader(creds.username, creds.password);
    }
    const res = await this.#http.send(endpoint, {
      method: "GET",
      url: url.href,
      headers,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (res.statusCode === 401 || res.statusCode === 403) {
      // compat: distribution's token fetch shows the server's own words
      // ("unauthorized: incorrect username or password") when it sent any.
      const err = await responseError(res);
      throw new RegistryAuthError(
        err.codes.length > 0
          ? err.message
          : "unauthorized: authentication required",
      );
    }
    if (res.statusCode !== 200) throw await responseError(res);
    const doc = JSON.parse((await readBody(res, 1 << 20)).toString()) as {
      token?: string;
      access_token?: string;
      expires_in?: number;
    };
    const token = doc.token ?? doc.access_token;
    if (!token)
      throw new RegistryAuthError(
        "authorization server did not include a token in the response",
      );
    // token.md: expires_in defaults to 60 s; refresh 10 s early.
    const ttl = Math.max((doc.expires_in ?? 60) - 10, 1) * 1000;
    this.#tokens.set(key, { token, expires: Date.now() + ttl });
    return token;
  }
}

/** Parses the WWW-Authenticate header of a response (absent → none). */
export function challengesOf(
  header: string | string[] | undefined,
): Challenge[] {
  if (header === undefined) return [];
  return (Array.isArray(header) ? header : [header]).flatMap(parseChallenges);
}

function basicHeader(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
}
