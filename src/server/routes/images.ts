import type { Readable } from "node:stream";
import type {
  ImageDeleteItem,
  ImageHistoryItem,
  ImageInspect,
  ImagePruneResponse,
  ImageSummary,
} from "../../api/images.ts";
import { InvalidArgumentError } from "../../util/errors.ts";
import type { RequestContext } from "../http.ts";
import type { Route } from "../router.ts";
import { jsonLine } from "../streams.ts";
import { ProgressStream, registryAuth, type AuthConfig } from "./registry.ts";
import { refuseParam } from "./unbuilt.ts";
import {
  decodePlatform,
  decodePlatforms,
  type PlatformParam,
} from "./platform-param.ts";
import { versionLessThan } from "../../api/version.ts";

/** What the image routes need from the engine (ImageService implements it). */
export interface ImagesBackend {
  /** Throws InvalidArgumentError for unknown or malformed filters. */
  list(options: {
    all: boolean;
    filters: Record<string, string[]>;
    sharedSize: boolean;
    version: string;
  }): Promise<ImageSummary[]>;
  /** Throws NotFoundError ("No such image: x:latest"), InvalidArgumentError. */
  inspect(name: string, options: { version: string }): Promise<ImageInspect>;
  /** Throws NotFoundError when the image does not match `platform`. */
  history(
    name: string,
    options?: { platform?: PlatformParam },
  ): Promise<ImageHistoryItem[]>;
  tag(name: string, options: { repo: string; tag?: string }): Promise<void>;
  /** Throws ConflictError when containers use the image. */
  remove(
    name: string,
    options: { force: boolean; noprune: boolean; platforms?: PlatformParam[] },
  ): Promise<ImageDeleteItem[]>;
  prune(filters: Record<string, string[]>): Promise<ImagePruneResponse>;
  /** Imports a rootfs tarball from the body ("-") or a URL; returns the image id. */
  import(
    body: Readable | undefined,
    options: {
      fromSrc: string;
      repo?: string;
      tag?: string;
      message?: string;
      changes?: string[];
    },
  ): Promise<string>;
  /**
   * Pulls from a registry, writing Docker's progress messages to
   * `progress`. Throws InvalidArgumentError, NotFoundError, UnauthorizedError.
   */
  pull(
    name: string,
    options: {
      tag?: string;
      platform?: string;
      credentials: AuthConfig;
      progress: (message: unknown) => void;
      signal?: AbortSignal;
    },
  ): Promise<void>;
  /** A tar stream; throws NotFoundError before streaming for unknown names. */
  save(names: string[], options?: { platform?: PlatformParam }): Readable;
  /** Returns the "Loaded image: …\n" lines; with platforms, other images are skipped. */
  load(
    body: Readable,
    options?: { platforms?: PlatformParam[] },
  ): Promise<string[]>;
}

/** The route table for /images/* (POST /commit is in archive.ts). */
export function imageRoutes(backend: ImagesBackend): Route[] {
  const r = (
    method: string,
    path: string,
    fn: (ctx: RequestContext, b: ImagesBackend) => Promise<void>,
  ): Route => ({
    method,
    path,
    handler: (ctx) => fn(ctx, backend),
  });
  return [
    r("GET", "/images/json", getImagesJson), // 200, 400 bad filter
    r("POST", "/images/create", postImagesCreate), // 200 JSON progress, 400 bad ref/repo/changes, 404 unknown manifest, 401 refused
    r("POST", "/images/load", postImagesLoad), // 200 JSON lines, 400 bad archive
    r("POST", "/images/prune", postImagesPrune), // 200, 400 bad filter
    r("GET", "/images/get", getImagesGet), // 200 tar, 404 no such image
    r("GET", "/images/{name*}/json", getImagesByName), // 200, 404 no such image, 400 bad reference
    r("GET", "/images/{name*}/history", getImagesHistory), // 200, 404
    r("GET", "/images/{name*}/get", getImagesGetOne), // 200 tar, 404
    r("POST", "/images/{name*}/tag", postImagesTag), // 201, 400 bad repo/tag, 404, 409
    r("DELETE", "/images/{name*}", deleteImages), // 200, 404, 409 in use
  ];
}

async function getImagesJson(
  ctx: RequestContext,
  b: ImagesBackend,
): Promise<void> {
  refuseParam(ctx, "manifests", "image list manifests (API 1.47+)", "bool");
  const rows = await b.list({
    all: ctx.bool("all"),
    filters: ctx.filters(),
    sharedSize: ctx.bool("shared-size"),
    version: ctx.version,
  });
  ctx.send(200, rows);
}

async function postImagesCreate(
  ctx: RequestContext,
  b: ImagesBackend,
): Promise<void> {
  const fromImage = ctx.q("fromImage");
  if (fromImage) return pull(ctx, b, fromImage);
  const fromSrc = ctx.q("fromSrc");
  refuseParam(ctx, "platform", "docker import --platform");
  if (!fromSrc)
    throw new InvalidArgumentError("either fromImage or fromSrc is required");
  const opts: Parameters<ImagesBackend["import"]>[1] = {
    fromSrc,
    changes: ctx.query.getAll("changes"),
  };
  for (const k of ["repo", "tag", "message"] as const) {
    const v = ctx.q(k);
    if (v) opts[k] = v;
  }
  const id = await b.import(fromSrc === "-" ? ctx.body() : undefined, opts);
  const out = ctx.stream(200, "application/json");
  out.end(jsonLine({ status: id }));
}

async function pull(
  ctx: RequestContext,
  b: ImagesBackend,
  fromImage: string,
): Promise<void> {
  const stream = new ProgressStream(ctx);
  const tag = ctx.q("tag");
  const platform = ctx.q("platform");
  try {
    await b.pull(fromImage, {
      credentials: registryAuth(ctx),
      progress: stream.write,
      signal: stream.signal,
      ...(tag ? { tag } : {}),
      ...(platform ? { platform } : {}),
    });
  } catch (err) {
    return stream.finish(err as Error);
  }
  stream.finish();
}

async function postImagesLoad(
  ctx: RequestContext,
  b: ImagesBackend,
): Promise<void> {
  // compat: the platform parameters count from API 1.48 (1.50 for rmi), as moby's router.
  const platforms = atLeast(ctx, "1.48")
    ? decodePlatforms(ctx.query.getAll("platform"))
    : [];
  const lines = await b.load(ctx.body(), { platforms });
  // compat: quiet only hides progress bars; the "Loaded image" lines are always sent.
  const out = ctx.stream(200, "application/json");
  out.end(lines.map((stream) => jsonLine({ stream })).join(""));
}

async function postImagesPrune(
  ctx: RequestContext,
  b: ImagesBackend,
): Promise<void> {
  ctx.send(200, await b.prune(ctx.filters()));
}

async function getImagesGet(
  ctx: RequestContext,
  b: ImagesBackend,
): Promise<void> {
  sendTar(ctx, b.save(ctx.query.getAll("names"), savePlatform(ctx)));
}

async function getImagesGetOne(
  ctx: RequestContext,
  b: ImagesBackend,
): Promise<void> {
  sendTar(ctx, b.save([ctx.param("name")], savePlatform(ctx)));
}

function sendTar(ctx: RequestContext, tar: Readable): void {
  const out = ctx.stream(200, "application/x-tar");
  tar.on("error", () => ctx.req.socket.destroy());
  tar.pipe(out);
}

async function getImagesByName(
  ctx: RequestContext,
  b: ImagesBackend,
): Promise<void> {
  refuseParam(ctx, "manifests", "image inspect manifests (API 1.48+)", "bool");
  ctx.send(200, await b.inspect(ctx.param("name"), { version: ctx.version }));
}

async function getImagesHistory(
  ctx: RequestContext,
  b: ImagesBackend,
): Promise<void> {
  const raw = atLeast(ctx, "1.48") ? ctx.q("platform") : undefined;
  ctx.send(
    200,
    await b.history(
      ctx.param("name"),
      raw ? { platform: decodePlatform(raw) } : {},
    ),
  );
}

async function postImagesTag(
  ctx: RequestContext,
  b: ImagesBackend,
): Promise<void> {
  const repo = ctx.q("repo");
  if (!repo)
    throw new InvalidArgumentError(
      "repository name must have at least one component",
    );
  const tag = ctx.q("tag");
  await b.tag(ctx.param("name"), tag ? { repo, tag } : { repo });
  ctx.empty(201);
}

async function deleteImages(
  ctx: RequestContext,
  b: ImagesBackend,
): Promise<void> {
  const platforms = atLeast(ctx, "1.50")
    ? decodePlatforms(ctx.query.getAll("platforms"))
    : [];
  ctx.send(
    200,
    await b.remove(ctx.param("name"), {
      force: ctx.bool("force"),
      noprune: ctx.bool("noprune"),
      platforms,
    }),
  );
}

function atLeast(ctx: RequestContext, version: string): boolean {
  return !versionLessThan(ctx.version, version);
}

/** save's one `platform` (API 1.48+). Throws InvalidArgumentError for several, as moby. */
function savePlatform(ctx: RequestContext): { platform?: PlatformParam } {
  if (!atLeast(ctx, "1.48")) return {};
  const all = ctx.query.getAll("platform").filter((v) => v !== "");
  if (all.length > 1)
    throw new InvalidArgumentError(
      "multiple platform parameters not supported",
    );
  return all[0] ? { platform: decodePlatform(all[0]) } : {};
}
