import { NotImplementedError } from "../../util/errors.ts";
import type { RequestContext } from "../http.ts";
import type { Route } from "../router.ts";

/**
 * Refuses a query parameter wharf does not act on when the client set it
 * (a true boolean or a non-empty value), so requests that carry only the
 * defaults the Docker CLI sends still work. Throws NotImplementedError
 * ("not implemented: <what>").
 */
export function refuseParam(
  ctx: RequestContext,
  name: string,
  what: string,
  kind: "bool" | "string" = "string",
): void {
  const set = kind === "bool" ? ctx.bool(name) : !!ctx.q(name);
  if (set) throw new NotImplementedError(`not implemented: ${what}`);
}

/** Docker endpoints wharf has not built, each a 501 naming the feature. */
const UNBUILT: [method: string, path: string, what: string][] = [
  ["POST", "/session", "BuildKit sessions"],
  ["POST", "/grpc", "BuildKit"],
  ["POST", "/swarm/init", "swarm mode"],
  ["POST", "/swarm/join", "swarm mode"],
  ["GET", "/plugins/privileges", "plugins"],
  ["POST", "/plugins/pull", "plugins"],
  ["POST", "/plugins/create", "plugins"],
  ["POST", "/plugins/{name}/upgrade", "plugins"],
];

/**
 * 501 routes for Docker endpoints wharf lacks, so a client reads what is
 * missing instead of "page not found". Add them after every real table:
 * the first match wins.
 */
export function unbuiltRoutes(): Route[] {
  return UNBUILT.map(([method, path, what]) => ({
    method,
    path,
    handler: async () => {
      throw new NotImplementedError(`not implemented: ${what}`);
    },
  }));
}
