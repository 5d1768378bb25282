import {
  checkFilterKeys,
  filterBool,
  type Filters,
} from "../../conventions/filters.ts";
import type { Credentials } from "../../registry/client/auth.ts";
import type { RegistryClient } from "../../registry/client/registry-client.ts";
import type { SearchResult } from "../../registry/client/search.ts";
import { InvalidArgumentError } from "../../util/errors.ts";

/** compat: moby's registry.acceptedSearchFilterTags. */
const SEARCH_FILTERS = ["is-automated", "is-official", "stars"];
/** compat: moby's defaultSearchLimit. */
const DEFAULT_LIMIT = 25;

/**
 * GET /images/search, as moby's registry.Service.Search: checks filters
 * and limit, sends the term's remote part to its registry's v1 search
 * (a term without a registry host means Docker Hub), and filters the
 * results (`is-official`, `stars` at least the highest value given;
 * `is-automated=true` matches nothing and is_automated is always false).
 * Throws InvalidArgumentError with moby's texts; the registry's errors
 * (SearchStatusError "Unexpected status code 404" where it has no search,
 * RegistryConnectionError) pass through.
 */
export async function searchImages(
  registry: RegistryClient,
  options: {
    term: string;
    limit: number;
    filters: Filters;
    credentials: Credentials;
    signal?: AbortSignal;
  },
): Promise<SearchResult[]> {
  const f = options.filters;
  checkFilterKeys(f, SEARCH_FILTERS);
  const automated = boolFilter(f, "is-automated");
  // compat: is_automated is deprecated; asking for automated images finds none.
  if (automated === true) return [];
  const official = boolFilter(f, "is-official");
  let stars = 0;
  for (const s of f.stars ?? []) {
    if (!/^[+-]?\d+$/.test(s))
      throw new InvalidArgumentError(
        `invalid filter 'stars=${s}': strconv.Atoi: parsing "${s}": invalid syntax`,
      );
    stars = Math.max(stars, Number(s));
  }
  const term = options.term;
  if (/^https?:\/\//.test(term))
    throw new InvalidArgumentError(
      `invalid repository name: repository name (${term}) should not have a scheme`,
    );
  const limit = options.limit === 0 ? DEFAULT_LIMIT : options.limit;
  if (limit < 1 || limit > 100)
    throw new InvalidArgumentError(
      `limit ${limit} is outside the range of [1, 100]`,
    );
  const split = splitTerm(term);
  const index = split.index;
  let remote = split.remote;
  const hub = index === "docker.io" || index === "index.docker.io";
  // compat: Docker Hub stores "library/foo" as "foo".
  if (hub) remote = remote.replace(/^library\//, "");
  const results = await registry.search(hub ? "docker.io" : index, {
    term: remote,
    limit,
    credentials: options.credentials,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return results
    .filter((r) => official === undefined || r.is_official === official)
    .filter((r) => f.stars === undefined || r.star_count >= stars)
    .map((r) => ({ ...r, is_automated: false }));
}

/**
 * moby's splitReposSearchTerm: the first component is a registry when it
 * has a dot or a colon or is "localhost", else the term is Docker Hub's.
 */
export function splitTerm(term: string): { index: string; remote: string } {
  const slash = term.indexOf("/");
  const first = slash < 0 ? term : term.slice(0, slash);
  if (
    slash < 0 ||
    (!first.includes(".") && !first.includes(":") && first !== "localhost")
  )
    return { index: "docker.io", remote: term };
  return { index: first, remote: term.slice(slash + 1) };
}

/** moby's GetBoolOrDefault: one consistent true/false value, else "invalid filter 'k=[v]'". */
function boolFilter(f: Filters, key: string): boolean | undefined {
  const values = f[key];
  if (values === undefined) return undefined;
  const parsed = new Set(values.map(filterBool));
  const only = parsed.size === 1 ? [...parsed][0] : undefined;
  if (only === undefined)
    throw new InvalidArgumentError(
      `invalid filter '${key}=[${values.join(" ")}]'`,
    );
  return only;
}
