import type {
  Volume,
  VolumeCreateBody,
  VolumeListResponse,
  VolumePruneResponse,
} from "../../api/volumes.ts";
import type { RequestContext } from "../http.ts";
import type { Route } from "../router.ts";

/** What the volume routes need from the engine (VolumeService implements it). */
export interface VolumesBackend {
  /** Throws InvalidArgumentError for unknown filters. */
  list(filters: Record<string, string[]>): Promise<VolumeListResponse>;
  /** Throws InvalidArgumentError (name, options), NotFoundError (driver), Error (driver's text). */
  create(body: VolumeCreateBody): Promise<Volume>;
  /** Throws NotFoundError("get x: no such volume"). */
  inspect(name: string): Promise<Volume>;
  /** Throws NotFoundError unless force; ConflictError while in use. */
  remove(name: string, options: { force: boolean }): Promise<void>;
  prune(
    filters: Record<string, string[]>,
    options: { version: string },
  ): Promise<VolumePruneResponse>;
}

/** The route table for /volumes/*. */
export function volumeRoutes(backend: VolumesBackend): Route[] {
  const r = (
    method: string,
    path: string,
    fn: (ctx: RequestContext, b: VolumesBackend) => Promise<void>,
  ): Route => ({ method, path, handler: (ctx) => fn(ctx, backend) });
  return [
    r("GET", "/volumes", getVolumes), // 200, 400 bad filter
    r("POST", "/volumes/create", postVolumesCreate), // 201, 400 bad name/options, 404 no such driver, 500 driver error
    r("POST", "/volumes/prune", postVolumesPrune), // 200, 400 bad filter
    r("GET", "/volumes/{name}", getVolumesByName), // 200, 404
    r("DELETE", "/volumes/{name}", deleteVolumes), // 204, 404, 409 in use
  ];
}

async function getVolumes(
  ctx: RequestContext,
  b: VolumesBackend,
): Promise<void> {
  ctx.send(200, await b.list(ctx.filters()));
}

async function postVolumesCreate(
  ctx: RequestContext,
  b: VolumesBackend,
): Promise<void> {
  const body =
    (await ctx.json<VolumeCreateBody | null>("volumeCreate", {})) ?? {};
  ctx.send(201, await b.create(body));
}

async function postVolumesPrune(
  ctx: RequestContext,
  b: VolumesBackend,
): Promise<void> {
  ctx.send(200, await b.prune(ctx.filters(), { version: ctx.version }));
}

async function getVolumesByName(
  ctx: RequestContext,
  b: VolumesBackend,
): Promise<void> {
  ctx.send(200, await b.inspect(ctx.param("name")));
}

async function deleteVolumes(
  ctx: RequestContext,
  b: VolumesBackend,
): Promise<void> {
  await b.remove(ctx.param("name"), { force: ctx.bool("force") });
  ctx.empty(204);
}
