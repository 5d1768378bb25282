import { Headers, blobPath, uploadPath } from "../../protocol/paths.ts";
import { RegistryError } from "../../protocol/errors.ts";
import { isValidName } from "../../protocol/names.ts";
import { writeEmpty, type Context } from "../context.ts";
import type { Services } from "../services.ts";
import { checkDigest } from "../storage/blobs.ts";

/**
 * POST /v2/<name>/blobs/uploads/ (end-4a, 4b, 11): with `digest`, a
 * monolithic upload (201); with `mount` and `from`, a cross-repository
 * mount (201, or a new upload 202 when the source lacks the blob);
 * otherwise a new upload session (202 with Location).
 */
export async function postBlobUpload(
  ctx: Context,
  svc: Services,
): Promise<void> {
  const mount = ctx.query.get("mount");
  const from = ctx.query.get("from");
  if (mount !== null && from !== null) {
    checkDigest(mount);
    if (!isValidName(from))
      throw new RegistryError("NAME_INVALID", { detail: { name: from } });
    if ((await svc.blobs.stat(from, mount)) !== undefined) {
      await svc.blobs.link(ctx.name, mount);
      writeCreated(ctx, mount);
      return;
    }
  }
  const digest = ctx.query.get("digest");
  if (digest !== null) checkDigest(digest);
  const uuid = await svc.uploads.start(ctx.name);
  if (digest !== null) {
    await svc.uploads.append(ctx.name, uuid, ctx.req, contentLength(ctx));
    await svc.uploads.finish(ctx.name, uuid, digest);
    writeCreated(ctx, digest);
    return;
  }
  writeEmpty(ctx.res, 202, progressHeaders(ctx.name, uuid, 0));
}

/** PATCH /v2/<name>/blobs/uploads/<uuid> (end-5): 202 with Range, 416 out of order, 404. */
export async function patchBlobUpload(
  ctx: Context,
  svc: Services,
): Promise<void> {
  const uuid = ctx.match.uuid ?? "";
  const options = { ...contentLength(ctx), ...contentRange(ctx) };
  const size = await svc.uploads.append(ctx.name, uuid, ctx.req, options);
  writeEmpty(ctx.res, 202, progressHeaders(ctx.name, uuid, size));
}

/** PUT /v2/<name>/blobs/uploads/<uuid>?digest= (end-6): 201, 400 DIGEST_INVALID, 404. */
export async function putBlobUpload(
  ctx: Context,
  svc: Services,
): Promise<void> {
  const uuid = ctx.match.uuid ?? "";
  const digest = ctx.query.get("digest");
  if (digest === null)
    throw new RegistryError("DIGEST_INVALID", {
      message: "digest parameter missing",
    });
  checkDigest(digest);
  await svc.uploads.append(ctx.name, uuid, ctx.req, {
    ...contentLength(ctx),
    ...contentRange(ctx),
  });
  await svc.uploads.finish(ctx.name, uuid, digest);
  writeCreated(ctx, digest);
}

/** GET /v2/<name>/blobs/uploads/<uuid> (end-13): 204 with Range, 404 BLOB_UPLOAD_UNKNOWN. */
export async function getBlobUpload(
  ctx: Context,
  svc: Services,
): Promise<void> {
  const uuid = ctx.match.uuid ?? "";
  const size = await svc.uploads.size(ctx.name, uuid);
  writeEmpty(ctx.res, 204, progressHeaders(ctx.name, uuid, size));
}

/** DELETE /v2/<name>/blobs/uploads/<uuid>: 204, 404 BLOB_UPLOAD_UNKNOWN. */
export async function deleteBlobUpload(
  ctx: Context,
  svc: Services,
): Promise<void> {
  await svc.uploads.cancel(ctx.name, ctx.match.uuid ?? "");
  writeEmpty(ctx.res, 204);
}

function writeCreated(ctx: Context, digest: string): void {
  writeEmpty(ctx.res, 201, {
    location: blobPath(ctx.name, digest),
    [Headers.contentDigest]: digest,
  });
}

function progressHeaders(
  name: string,
  uuid: string,
  size: number,
): Record<string, string> {
  // compat: distribution answers "0-0" for an empty upload, not "0--1".
  return {
    location: uploadPath(name, uuid),
    range: `0-${Math.max(0, size - 1)}`,
    [Headers.uploadUuid]: uuid,
  };
}

function contentLength(ctx: Context): { length?: number } {
  const v = ctx.req.headers["content-length"];
  return v === undefined ? {} : { length: Number(v) };
}

/**
 * Content-Range of a chunk: "<start>-<end>" (the spec's form) or
 * "bytes <start>-<end>/<total>". Its length must agree with Content-Length.
 */
function contentRange(ctx: Context): { start?: number } {
  const v = ctx.req.headers["content-range"];
  if (v === undefined) return {};
  const m = /^(?:bytes[ =])?(\d+)-(\d+)(?:\/(?:\d+|\*))?$/.exec(v.trim());
  if (!m)
    throw new RegistryError("BLOB_UPLOAD_INVALID", {
      status: 416,
      message: `invalid Content-Range ${v}`,
    });
  const start = Number(m[1]);
  const end = Number(m[2]);
  const length = ctx.req.headers["content-length"];
  if (
    end < start ||
    (length !== undefined && Number(length) !== end - start + 1)
  )
    throw new RegistryError("BLOB_UPLOAD_INVALID", {
      status: 416,
      message: `Content-Range ${v} does not match Content-Length ${length ?? "(none)"}`,
    });
  return { start };
}
