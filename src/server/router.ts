import {
  API_VERSION,
  MIN_API_VERSION,
  compareVersions,
} from "../api/version.ts";
import { InvalidArgumentError, NotFoundError } from "../util/errors.ts";
import type { RequestContext } from "./http.ts";

/** A route handler: parse → call backend → write. Throws taxonomy errors. */
export type Handler = (ctx: RequestContext) => Promise<void>;

/**
 * One row of a route table. `path` uses `{name}` for one segment and
 * `{name*}` for the rest of the path including slashes (image names keep
 * their slashes, e.g. /images/{name*}/json).
 */
export type Route = { method: string; path: string; handler: Handler };

type Compiled = Route & { regex: RegExp; names: string[] };

/** The result of matching a request line. */
export type Match = {
  handler: Handler;
  params: Record<string, string>;
  version: string;
};

/**
 * Holds the route table and matches requests against it, stripping the
 * optional /v1.NN prefix and enforcing the supported version range.
 */
export class Router {
  #routes: Compiled[] = [];

  /** Adds routes; later rows never shadow earlier ones (first match wins). */
  add(routes: Route[]): void {
    for (const r of routes) this.#routes.push(compile(r));
  }

  /**
   * Finds the handler for method and raw path (without query). Throws
   * InvalidArgumentError for an unsupported version, NotFoundError (with
   * Docker's "page not found") when nothing matches.
   */
  match(method: string, rawPath: string): Match {
    let path = rawPath;
    let version = API_VERSION;
    const m = /^\/v(\d+\.\d+)(\/.*)$/.exec(rawPath);
    if (m) {
      version = m[1]!;
      path = m[2]!;
      if (compareVersions(version, MIN_API_VERSION) < 0)
        throw new InvalidArgumentError(
          `client version ${version} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`,
        );
      if (compareVersions(version, API_VERSION) > 0)
        throw new InvalidArgumentError(
          `client version ${version} is too new. Maximum supported API version is ${API_VERSION}`,
        );
    }
    const head = method === "HEAD";
    for (const r of this.#routes) {
      if (r.method !== method && !(head && r.method === "GET")) continue;
      const found = r.regex.exec(path);
      if (!found) continue;
      const params: Record<string, string> = {};
      r.names.forEach(
        (name, i) => (params[name] = decodeURIComponent(found[i + 1]!)),
      );
      return { handler: r.handler, params, version };
    }
    // compat: moby answers unknown paths with 404 {"message":"page not found"}.
    throw new NotFoundError("page not found");
  }
}

function compile(route: Route): Compiled {
  const names: string[] = [];
  const pattern = route.path.replace(
    /\{(\w+)(\*?)\}/g,
    (_all, name: string, star: string) => {
      names.push(name);
      return star ? "(.+)" : "([^/]+)";
    },
  );
  return { ...route, regex: new RegExp(`^${pattern}/?$`), names };
}
