/**
 * The distribution-spec v1.1 endpoints (spec.md "Endpoints", end-1 … end-13)
 * as route patterns, and the header names both sides use. `<name>` may hold
 * slashes, so each pattern anchors on the keyword after it.
 */
import { NAME_PATTERN } from "./names.ts";

/** A route of the spec, matched on the path (the query is separate). */
export type RouteName =
  | "base"
  | "catalog"
  | "tags"
  | "manifest"
  | "blob"
  | "uploadStart"
  | "upload"
  | "referrers";

/** A matched route: its name and captured parameters. */
export type RouteMatch = {
  route: RouteName;
  name?: string;
  reference?: string;
  digest?: string;
  uuid?: string;
};

const n = `(?<name>${NAME_PATTERN})`;
/** Route patterns in match order (end-N numbers are the spec's). */
const routes: Array<[RouteName, RegExp]> = [
  ["base", /^\/v2\/?$/], // end-1
  ["catalog", /^\/v2\/_catalog$/],
  ["tags", new RegExp(`^/v2/${n}/tags/list$`)], // end-8a/b
  ["manifest", new RegExp(`^/v2/${n}/manifests/(?<reference>[^/]+)$`)], // end-3, 7, 9
  ["blob", new RegExp(`^/v2/${n}/blobs/(?<digest>[^/]+)$`)], // end-2, 10
  ["uploadStart", new RegExp(`^/v2/${n}/blobs/uploads/?$`)], // end-4a/b, 11
  ["upload", new RegExp(`^/v2/${n}/blobs/uploads/(?<uuid>[^/]+)$`)], // end-5, 6, 13
  ["referrers", new RegExp(`^/v2/${n}/referrers/(?<digest>[^/]+)$`)], // end-12a/b
];

/** Anything under /v2/ that names a repository at all, valid or not. */
const looseRepo =
  /^\/v2\/(?<name>.+?)\/(?:tags\/list|manifests\/[^/]+|blobs\/.*|referrers\/[^/]+)$/;

/**
 * Matches a request path to a route. Returns undefined for unknown paths;
 * returns `{ route: "invalidName" }`-like info through `invalidName` when the
 * path has a route's shape but an invalid repository name.
 */
export function matchRoute(
  path: string,
): RouteMatch | { invalidName: string } | undefined {
  for (const [route, re] of routes) {
    const m = re.exec(path);
    if (!m) continue;
    const g = m.groups ?? {};
    const out: RouteMatch = { route };
    if (g.name !== undefined) out.name = g.name;
    if (g.reference !== undefined) out.reference = g.reference;
    if (g.digest !== undefined) out.digest = g.digest;
    if (g.uuid !== undefined) out.uuid = g.uuid;
    return out;
  }
  const loose = looseRepo.exec(path);
  if (loose?.groups?.name !== undefined)
    return { invalidName: loose.groups.name };
  return undefined;
}

/** Header names of the spec and of Docker's registry API. */
export const Headers = {
  apiVersion: "docker-distribution-api-version",
  contentDigest: "docker-content-digest",
  uploadUuid: "docker-upload-uuid",
  ociSubject: "oci-subject",
  ociFiltersApplied: "oci-filters-applied",
} as const;

/** The value of Docker-Distribution-API-Version every response carries. */
export const API_VERSION = "registry/2.0";

/** Path of a repository's blob upload session. */
export function uploadPath(name: string, uuid: string): string {
  return `/v2/${name}/blobs/uploads/${uuid}`;
}

/** Path of a blob in a repository. */
export function blobPath(name: string, digest: string): string {
  return `/v2/${name}/blobs/${digest}`;
}

/** Path of a manifest by tag or digest. */
export function manifestPath(name: string, reference: string): string {
  return `/v2/${name}/manifests/${reference}`;
}
