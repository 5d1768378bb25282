import type { Readable } from "node:stream";
import type {
  ContainerConfig,
  ContainerPathStat,
  FilesystemChange,
} from "../../api/containers.ts";
import type { CommitOptions } from "../../api/container-requests.ts";
import { versionLessThan } from "../../api/version.ts";
import { InvalidArgumentError, NotFoundError } from "../../util/errors.ts";
import type { RequestContext } from "../http.ts";
import type { Route } from "../router.ts";

export type { ContainerPathStat, FilesystemChange };
export type { CommitOptions };

/** What the file routes need; ContainerService implements it. */
export interface ArchiveBackend {
  /** Throws NotFoundError for an unknown container or a missing path. */
  archiveStat(ref: string, path: string): Promise<ContainerPathStat>;
  archiveGet(
    ref: string,
    path: string,
  ): Promise<{ stat: ContainerPathStat; tar: Readable }>;
  /** Throws NotFoundError, InvalidArgumentError (not a directory), ForbiddenError (read-only). */
  archivePut(
    ref: string,
    body: Readable,
    options: {
      path: string;
      noOverwriteDirNonDir: boolean;
      copyUIDGID: boolean;
    },
  ): Promise<void>;
  changes(ref: string): Promise<FilesystemChange[]>;
  export(ref: string): Promise<Readable>;
  /** Returns the new image id. */
  commit(ref: string, options: CommitOptions): Promise<string>;
}

/** Routes for docker cp, diff, export and commit. */
export function archiveRoutes(b: ArchiveBackend): Route[] {
  const h =
    (fn: (ctx: RequestContext, b: ArchiveBackend) => Promise<void>) =>
    (ctx: RequestContext) =>
      fn(ctx, b);
  return [
    {
      method: "GET",
      path: "/containers/{id}/archive",
      handler: h(getContainersArchive),
    }, // 200 tar (HEAD: stat header only), 400 no path, 404 container or path
    {
      method: "PUT",
      path: "/containers/{id}/archive",
      handler: h(putContainersArchive),
    }, // 200, 400 not a directory / bad tar, 403 read-only, 404
    {
      method: "GET",
      path: "/containers/{id}/changes",
      handler: h(getContainersChanges),
    }, // 200, 404
    {
      method: "GET",
      path: "/containers/{id}/export",
      handler: h(getContainersExport),
    }, // 200 tar, 404
    { method: "POST", path: "/commit", handler: h(postCommit) }, // 201, 400 bad change/repo, 404
    {
      method: "POST",
      path: "/containers/{id}/copy",
      handler: h(postContainersCopy),
    }, // 200 tar, 400 no path, 404 (and 404 page not found from API 1.24)
  ];
}

function archivePathParam(ctx: RequestContext): string {
  const path = ctx.q("path");
  // compat: moby's badParameterError text.
  if (!path)
    throw new InvalidArgumentError("bad parameter: path cannot be empty");
  return path;
}

function statHeader(stat: ContainerPathStat): Record<string, string> {
  return {
    "X-Docker-Container-Path-Stat": Buffer.from(JSON.stringify(stat)).toString(
      "base64",
    ),
  };
}

async function getContainersArchive(
  ctx: RequestContext,
  b: ArchiveBackend,
): Promise<void> {
  const path = archivePathParam(ctx);
  if (ctx.req.method === "HEAD") {
    const stat = await b.archiveStat(ctx.param("id"), path);
    return ctx.empty(200, statHeader(stat));
  }
  const { stat, tar } = await b.archiveGet(ctx.param("id"), path);
  sendTar(ctx, tar, statHeader(stat));
}

async function putContainersArchive(
  ctx: RequestContext,
  b: ArchiveBackend,
): Promise<void> {
  await b.archivePut(ctx.param("id"), ctx.body(), {
    path: archivePathParam(ctx),
    noOverwriteDirNonDir: ctx.bool("noOverwriteDirNonDir"),
    copyUIDGID: ctx.bool("copyUIDGID"),
  });
  ctx.empty(200);
}

async function getContainersChanges(
  ctx: RequestContext,
  b: ArchiveBackend,
): Promise<void> {
  const changes = await b.changes(ctx.param("id"));
  // compat: moby's nil slice: null when nothing changed.
  ctx.send(200, changes.length ? changes : null);
}

async function getContainersExport(
  ctx: RequestContext,
  b: ArchiveBackend,
): Promise<void> {
  sendTar(ctx, await b.export(ctx.param("id")), {});
}

async function postCommit(
  ctx: RequestContext,
  b: ArchiveBackend,
): Promise<void> {
  const ref = ctx.q("container");
  if (!ref) throw new NotFoundError("No such container: ");
  const config = await ctx.json<Partial<ContainerConfig> | null>(
    "commit",
    null,
  );
  const opts: CommitOptions = {
    // compat: pause defaults to true from API 1.13 on.
    pause: ctx.q("pause") === undefined ? true : ctx.bool("pause"),
    changes: ctx.query.getAll("changes"),
  };
  if (config && typeof config === "object") opts.config = config;
  for (const k of ["repo", "tag", "author", "comment"] as const) {
    const v = ctx.q(k);
    if (v) opts[k] = v;
  }
  ctx.send(201, { Id: await b.commit(ref, opts) });
}

/**
 * The copy endpoint API 1.23 and older had (`{"Resource": path}` → a tar of
 * it). compat: gone from API 1.24 on ("page not found"); older clients get
 * dockerd 20.10's answers, whose decode errors carry no "invalid JSON: ".
 */
async function postContainersCopy(
  ctx: RequestContext,
  b: ArchiveBackend,
): Promise<void> {
  if (!versionLessThan(ctx.version, "1.24"))
    throw new NotFoundError("page not found");
  let body: { Resource?: string } | null;
  try {
    body = await ctx.json<{ Resource?: string } | null>("containerCopy");
  } catch (err) {
    if (err instanceof InvalidArgumentError)
      throw new InvalidArgumentError(
        err.message.replace(/^invalid JSON: /, ""),
      );
    throw err;
  }
  if (!body?.Resource) throw new InvalidArgumentError("Path cannot be empty");
  const { tar } = await b.archiveGet(ctx.param("id"), body.Resource);
  sendTar(ctx, tar, {});
}

function sendTar(
  ctx: RequestContext,
  tar: Readable,
  headers: Record<string, string>,
): void {
  const out = ctx.stream(200, "application/x-tar", headers);
  tar.on("error", () => ctx.req.socket.destroy());
  // A client that goes away must not keep the rootfs mounted.
  (ctx.res ?? ctx.req).once("close", () => tar.destroy());
  tar.pipe(out);
}
