import type { ImageSearchResult } from "../../api/images.ts";
import type { Credentials } from "./auth.ts";
import type { Endpoint } from "./hosts.ts";
import { isFallbackError, readBody, type HttpClient } from "./http.ts";

/** One result of a registry's v1 search (Docker's registry.SearchResult). */
export type SearchResult = ImageSearchResult;

/** What a search asks: the term, how many results, the user's credentials. */
export type SearchOptions = {
  term: string;
  limit: number;
  credentials: Credentials;
  signal?: AbortSignal;
};

/** The registry answered the search with a status other than 200 (moby: "Unexpected status code 404"). */
export class SearchStatusError extends Error {
  override name = "SearchStatusError";
}

/** Search answers are small; refuse anything absurd. */
const MAX_SEARCH_BODY = 8 * 1024 * 1024;

/**
 * Searches a registry's v1 endpoint (`GET /v1/search?q=&n=`), as moby's
 * search session: each endpoint in turn is pinged at `/v1/_ping` (any HTTP
 * answer will do: only a connection failure moves on to the next, e.g.
 * https → http for an insecure registry), then searched with Basic auth when
 * a user name is known. Throws SearchStatusError for a non-200 answer,
 * RegistryConnectionError when no endpoint answers.
 */
export async function searchV1(
  http: HttpClient,
  endpoints: Endpoint[],
  options: SearchOptions,
): Promise<SearchResult[]> {
  const sig = options.signal ? { signal: options.signal } : {};
  let last: unknown = new Error("no registry endpoint to search");
  for (const endpoint of endpoints) {
    try {
      const ping = await http.send(endpoint, {
        method: "GET",
        url: "/v1/_ping",
        ...sig,
      });
      ping.resume();
    } catch (err) {
      if (!isFallbackError(err)) throw err;
      last = err;
      continue;
    }
    const { username, password } = options.credentials;
    const headers: Record<string, string> = {};
    if (username)
      headers.authorization = `Basic ${Buffer.from(`${username}:${password ?? ""}`).toString("base64")}`;
    const q = new URLSearchParams({
      q: options.term,
      n: String(options.limit),
    });
    const res = await http.send(endpoint, {
      method: "GET",
      url: `/v1/search?${q.toString()}`,
      headers,
      ...sig,
    });
    if (res.statusCode !== 200) {
      res.resume();
      throw new SearchStatusError(
        `Unexpected status code ${res.statusCode ?? 0}`,
      );
    }
    const body = await readBody(res, MAX_SEARCH_BODY);
    let doc: { results?: unknown };
    try {
      doc = JSON.parse(body.toString()) as { results?: unknown };
    } catch (err) {
      throw new Error(
        `error decoding registry search results: ${(err as Error).message}`,
      );
    }
    return Array.isArray(doc.results) ? doc.results.map(result) : [];
  }
  throw last;
}

/** One result with Docker's fields and types, whatever the registry sent. */
function result(raw: unknown): SearchResult {
  const r = (typeof raw === "object" && raw !== null ? raw : {}) as Record<
    string,
    unknown
  >;
  return {
    star_count: typeof r.star_count === "number" ? r.star_count : 0,
    is_official: r.is_official === true,
    name: typeof r.name === "string" ? r.name : "",
    is_automated: r.is_automated === true,
    description: typeof r.description === "string" ? r.description : "",
  };
}
