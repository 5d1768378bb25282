import type {
  ContainerCreateBody,
  ContainerUpdateBody,
} from "../../api/containers.ts";
import { versionLessThan } from "../../api/version.ts";
import { ConflictError, InvalidArgumentError } from "../../util/errors.ts";
import type { RequestContext } from "../http.ts";
import type { Route } from "../router.ts";
import { bind, type ContainersBackend } from "./container-backend.ts";

/** Container lifecycle routes: create, start/stop/restart/kill, pause, rename, rm, prune, update. */
export function containerLifecycleRoutes(b: ContainersBackend): Route[] {
  const h = bind(b);
  return [
    {
      method: "POST",
      path: "/containers/create",
      handler: h(postContainersCreate),
    }, // 201, 400, 404 no image, 409 name in use
    {
      method: "POST",
      path: "/containers/prune",
      handler: h(postContainersPrune),
    }, // 200, 400 bad filter
    {
      method: "POST",
      path: "/containers/{id}/start",
      handler: h(postContainersStart),
    }, // 204, 304 running, 400 bad command, 404
    {
      method: "POST",
      path: "/containers/{id}/stop",
      handler: h(postContainersStop),
    }, // 204, 304 stopped, 404
    {
      method: "POST",
      path: "/containers/{id}/restart",
      handler: h(postContainersRestart),
    }, // 204, 404
    {
      method: "POST",
      path: "/containers/{id}/kill",
      handler: h(postContainersKill),
    }, // 204, 400 bad signal, 404, 409 not running
    {
      method: "POST",
      path: "/containers/{id}/rename",
      handler: h(postContainersRename),
    }, // 204, 400, 404, 409 name in use
    {
      method: "POST",
      path: "/containers/{id}/pause",
      handler: h(postContainersPause),
    }, // 204, 404, 409
    {
      method: "POST",
      path: "/containers/{id}/unpause",
      handler: h(postContainersUnpause),
    }, // 204, 404, 409
    {
      method: "DELETE",
      // compat: a link's name has a slash (`rm --link web/db` sends
      // DELETE /containers/web/db?link=1).
      path: "/containers/{id*}",
      handler: h(deleteContainers),
    }, // 204, 404, 409 running, 500 link=1 on a container's own name
    {
      method: "POST",
      path: "/containers/{id}/update",
      handler: h(postContainersUpdate),
    }, // 200, 400 bad value, 404, 409 conflicting limits, 501 unsupported field
  ];
}

function stopOptions(ctx: RequestContext): {
  timeout?: number;
  signal?: string;
} {
  const o: { timeout?: number; signal?: string } = {};
  const t = ctx.int("t");
  const signal = ctx.q("signal");
  if (t !== undefined) o.timeout = t;
  if (signal) o.signal = signal;
  return o;
}

async function postContainersCreate(
  ctx: RequestContext,
  b: ContainersBackend,
): Promise<void> {
  const body = await ctx.json<ContainerCreateBody | null>("containerCreate");
  if (body === null)
    throw new InvalidArgumentError(
      "config cannot be empty in order to create a container",
    );
  // compat: through API 1.24 the client removes an AutoRemove container itself (moby ignores the flag).
  if (body.HostConfig && versionLessThan(ctx.version, "1.25"))
    delete body.HostConfig.AutoRemove;
  const o: { name?: string; platform?: string } = {};
  const name = ctx.q("name");
  const platform = ctx.q("platform");
  if (name) o.name = name;
  if (platform) o.platform = platform;
  ctx.send(201, await b.create(body, o));
}

async function postContainersPrune(
  ctx: RequestContext,
  b: ContainersBackend,
): Promise<void> {
  ctx.send(200, await b.prune(ctx.filters()));
}

async function postContainersStart(
  ctx: RequestContext,
  b: ContainersBackend,
): Promise<void> {
  await b.start(ctx.param("id"));
  ctx.empty(204);
}

async function postContainersStop(
  ctx: RequestContext,
  b: ContainersBackend,
): Promise<void> {
  await b.stop(ctx.param("id"), stopOptions(ctx));
  ctx.empty(204);
}

async function postContainersRestart(
  ctx: RequestContext,
  b: ContainersBackend,
): Promise<void> {
  await b.restart(ctx.param("id"), stopOptions(ctx));
  ctx.empty(204);
}

async function postContainersKill(
  ctx: RequestContext,
  b: ContainersBackend,
): Promise<void> {
  const signal = ctx.q("signal");
  try {
    await b.kill(ctx.param("id"), signal ? { signal } : {});
  } catch (err) {
    // compat: before API 1.20 killing a stopped container succeeded (moby's postContainersKill).
    if (!(err instanceof ConflictError && versionLessThan(ctx.version, "1.20")))
      throw err;
  }
  ctx.empty(204);
}

async function postContainersRename(
  ctx: RequestContext,
  b: ContainersBackend,
): Promise<void> {
  const name = ctx.q("name");
  if (!name)
    throw new InvalidArgumentError("Neither old nor new names may be empty");
  await b.rename(ctx.param("id"), name);
  ctx.empty(204);
}

async function postContainersPause(
  ctx: RequestContext,
  b: ContainersBackend,
): Promise<void> {
  await b.pause(ctx.param("id"));
  ctx.empty(204);
}

async function postContainersUnpause(
  ctx: RequestContext,
  b: ContainersBackend,
): Promise<void> {
  await b.unpause(ctx.param("id"));
  ctx.empty(204);
}

async function deleteContainers(
  ctx: RequestContext,
  b: ContainersBackend,
): Promise<void> {
  if (ctx.bool("link")) {
    await b.removeLink(ctx.param("id"));
    ctx.empty(204);
    return;
  }
  await b.remove(ctx.param("id"), {
    force: ctx.bool("force"),
    volumes: ctx.bool("v"),
  });
  ctx.empty(204);
}

async function postContainersUpdate(
  ctx: RequestContext,
  b: ContainersBackend,
): Promise<void> {
  // compat: an empty or null body updates nothing, as moby's ReadJSON allows.
  const body =
    (await ctx.json<ContainerUpdateBody | null>("containerUpdate", {})) ?? {};
  // compat: PidsLimit in an update is API 1.40's; older clients' values are ignored (moby).
  if (versionLessThan(ctx.version, "1.40")) delete body.PidsLimit;
  ctx.send(200, await b.update(ctx.param("id"), body));
}
