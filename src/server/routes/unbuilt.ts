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
  ["POST", "/build", "docker build"],
  ["POST", "/build/prune", "build cache prune"],
  ["POST", "/build/cancel", "docker build"],
  ["POST", "/session", "BuildKit sessions"],
  ["POST", "/grpc", "BuildKit"],
  ["GET", "/images/search", "registry search"],
  ["GET", "/distribution/{name*}/json", "registry distribution inspect"],
  ["GET", "/containers/{id}/checkpoints", "checkpoints"],
  ["POST", "/containers/{id}/checkpoints", "checkpoints"],
  ["GET", "/plugins", "plugins"],
  ["GET", "/swarm", "swarm mode"],
  ["POST", "/swarm/init", "swarm mode"],
  ["POST", "/swarm/join", "swarm mode"],
  ["POST", "/swarm/leave", "swarm mode"],
  ["GET", "/services", "swarm services"],
  ["POST", "/services/create", "swarm services"],
  ["GET", "/nodes", "swarm nodes"],
  ["GET", "/tasks", "swarm tasks"],
  ["GET", "/secrets", "swarm secrets"],
  ["POST", "/secrets/create", "swarm secrets"],
  ["GET", "/configs", "swarm configs"],
  ["POST", "/configs/create", "swarm configs"],
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
