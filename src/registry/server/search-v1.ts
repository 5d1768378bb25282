import type { ServerResponse } from "node:http";
import { RegistryError } from "../protocol/errors.ts";
import { writeJson } from "./context.ts";
import type { Services } from "./services.ts";
import { listRepositories } from "./storage/catalog.ts";

/** compat: the v1 search's default and largest page (Docker Hub's, and dockerd's limit range). */
const DEFAULT_PAGE = 25;
const MAX_PAGE = 100;

/**
 * Docker's v1 search API over the registry's catalog, which distribution
 * has not got (it answers 404, and `docker search` then fails with
 * "Unexpected status code 404"):
 *
 *   GET /v1/_ping              200 {} with X-Docker-Registry-Standalone: true
 *   GET /v1/search?q=&n=&page= 200 {num_results, num_pages, page, page_size,
 *                              query, results: [{name, description, star_count,
 *                              is_official, is_automated}]}
 *
 * `q` matches any part of a repository name, case-insensitively; `n` is the
 * page size (default 25, at most 100). Searching needs what listing the
 * catalog needs (`authorize`, which throws UNAUTHORIZED/DENIED). Returns
 * false for other /v1/ paths, which the caller answers as unknown.
 */
export async function serveSearchV1(
  res: ServerResponse,
  url: URL,
  svc: Services,
  authorize: () => Promise<unknown>,
): Promise<boolean> {
  if (url.pathname === "/v1/_ping") {
    writeJson(res, 200, {}, { "x-docker-registry-standalone": "true" });
    return true;
  }
  if (url.pathname !== "/v1/search") return false;
  await authorize();
  const q = (url.searchParams.get("q") ?? "").toLowerCase();
  const size = pageParam(url.searchParams.get("n"), DEFAULT_PAGE);
  if (size > MAX_PAGE)
    throw new RegistryError("PAGINATION_NUMBER_INVALID", {
      message: `n must be at most ${MAX_PAGE}`,
    });
  const page = pageParam(url.searchParams.get("page"), 1);
  const hits = (await listRepositories(svc.driver)).filter((r) =>
    r.toLowerCase().includes(q),
  );
  const results = hits.slice((page - 1) * size, page * size).map((name) => ({
    name,
    description: "",
    star_count: 0,
    is_official: false,
    is_automated: false,
  }));
  writeJson(res, 200, {
    num_results: hits.length,
    num_pages: Math.ceil(hits.length / size),
    page,
    page_size: size,
    query: url.searchParams.get("q") ?? "",
    results,
  });
  return true;
}

/** A positive integer query parameter, or `fallback` when absent; anything else is PAGINATION_NUMBER_INVALID. */
function pageParam(raw: string | null, fallback: number): number {
  if (raw === null || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new RegistryError("PAGINATION_NUMBER_INVALID", {
      message: `invalid number: ${raw}`,
    });
  return n;
}
