import {
  InvalidArgumentError,
  NotFoundError,
  NotImplementedError,
  UnavailableError,
} from "../../util/errors.ts";
import type { RequestContext } from "../http.ts";
import type { Route } from "../router.ts";

// compat: moby's daemon/cluster/errors.go texts, as an inactive node sends them.
const NOT_MANAGER =
  'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.';
const NOT_IN_SWARM = "This node is not part of a swarm";
// compat: what dockerd without --experimental answers for checkpoints.
const EXPERIMENTAL_OFF =
  "This experimental feature is disabled by default. Start the Docker daemon in experimental mode in order to enable it.";

const notManager = async (): Promise<void> => {
  throw new UnavailableError(NOT_MANAGER);
};

/** An update's `version` query value must be a uint64 before the node state is looked at. */
function versioned(kind: string, goError: boolean) {
  return async (ctx: RequestContext): Promise<void> => {
    const v = ctx.q("version") ?? "";
    if (!/^\d+$/.test(v))
      throw new InvalidArgumentError(
        goError
          ? `invalid ${kind} version '${v}': strconv.ParseUint: parsing ${JSON.stringify(v)}: invalid syntax`
          : `invalid ${kind} version`,
      );
    throw new UnavailableError(NOT_MANAGER);
  };
}

/** Service and task logs check their streams before the node state. */
async function swarmLogs(ctx: RequestContext): Promise<void> {
  if (!ctx.bool("stdout") && !ctx.bool("stderr"))
    throw new InvalidArgumentError(
      "Bad parameters: you must choose at least one stream",
    );
  throw new UnavailableError(NOT_MANAGER);
}

const pluginNotFound = async (ctx: RequestContext): Promise<void> => {
  throw new NotFoundError(`plugin "${ctx.param("name")}" not found`);
};

/**
 * The routes of a node that is in no swarm and has no managed plugins,
 * answered as such a dockerd answers them: swarm objects 503 (leave: "This
 * node is not part of a swarm"; the rest: "not a swarm manager"), updates
 * check their version first (400), the plugin list is empty and a named
 * plugin is 404. Swarm init/join and plugin install stay 501 (unbuilt.ts).
 */
export function inactiveSwarmRoutes(): Route[] {
  const rows: [string, string, Route["handler"]][] = [
    ["GET", "/swarm", notManager], // 503
    [
      "POST",
      "/swarm/leave",
      async () => {
        throw new UnavailableError(NOT_IN_SWARM);
      },
    ], // 503
    ["POST", "/swarm/update", versioned("swarm", true)], // 400 version, 503
    [
      "POST",
      "/swarm/unlock",
      async (ctx) => {
        await ctx.json(undefined, {});
        throw new UnavailableError(NOT_MANAGER);
      },
    ], // 400 no body, 503
    ["GET", "/swarm/unlockkey", notManager], // 503
    ["GET", "/nodes", notManager],
    ["GET", "/nodes/{id}", notManager],
    ["DELETE", "/nodes/{id}", notManager],
    ["POST", "/nodes/{id}/update", versioned("node", true)],
    ["GET", "/services", notManager],
    ["POST", "/services/create", notManager],
    ["GET", "/services/{id}", notManager],
    ["DELETE", "/services/{id}", notManager],
    ["POST", "/services/{id}/update", versioned("service", true)],
    ["GET", "/services/{id}/logs", swarmLogs], // 400 no stream, 503
    ["GET", "/tasks", notManager],
    ["GET", "/tasks/{id}", notManager],
    ["GET", "/tasks/{id}/logs", swarmLogs],
    ["GET", "/secrets", notManager],
    ["POST", "/secrets/create", notManager],
    ["GET", "/secrets/{id}", notManager],
    ["DELETE", "/secrets/{id}", notManager],
    ["POST", "/secrets/{id}/update", versioned("secret", false)],
    ["GET", "/configs", notManager],
    ["POST", "/configs/create", notManager],
    ["GET", "/configs/{id}", notManager],
    ["DELETE", "/configs/{id}", notManager],
    ["POST", "/configs/{id}/update", versioned("config", false)],
    [
      "GET",
      "/plugins",
      async (ctx) => {
        ctx.filters();
        ctx.send(200, []);
      },
    ], // 200 [] (no managed plugins), 400 bad filter
    ["GET", "/plugins/{name}/json", pluginNotFound], // 404
    ["DELETE", "/plugins/{name}", pluginNotFound],
    ["POST", "/plugins/{name}/enable", pluginNotFound],
    ["POST", "/plugins/{name}/disable", pluginNotFound],
    ["POST", "/plugins/{name}/set", pluginNotFound],
    ["POST", "/plugins/{name}/push", pluginNotFound],
    ["GET", "/containers/{id}/checkpoints", experimentalOff], // 501
    ["POST", "/containers/{id}/checkpoints", experimentalOff],
    ["DELETE", "/containers/{id}/checkpoints/{name}", experimentalOff],
  ];
  return rows.map(([method, path, handler]) => ({ method, path, handler }));
}

async function experimentalOff(): Promise<void> {
  throw new NotImplementedError(EXPERIMENTAL_OFF);
}
