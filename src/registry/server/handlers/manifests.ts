import { Headers, manifestPath } from "../../protocol/paths.ts";
import { RegistryError } from "../../protocol/errors.ts";
import { readBody, writeEmpty, type Context } from "../context.ts";
import type { Services } from "../services.ts";

/**
 * GET/HEAD /v2/<name>/manifests/<reference> (end-3): 200 with the stored
 * bytes and their media type, 404 MANIFEST_UNKNOWN.
 */
export async function getManifest(ctx: Context, svc: Services): Promise<void> {
  const reference = ctx.match.reference ?? "";
  const m = svc.proxy
    ? await svc.proxy.manifest(ctx.name, reference)
    : await svc.manifests.get(ctx.name, reference);
  // compat: like distribution, the stored manifest is served whatever Accept
  // says (there is no schema 1 to convert to); clients check the type.
  ctx.res.writeHead(200, {
    "content-type": m.mediaType,
    "content-length": String(m.data.length),
    [Headers.contentDigest]: m.digest,
    etag: `"${m.digest}"`,
  });
  ctx.res.end(ctx.req.method === "HEAD" ? undefined : m.data);
}

/**
 * PUT /v2/<name>/manifests/<reference> (end-7): 201 with Location and
 * OCI-Subject when it has a subject; 400 MANIFEST_INVALID, DIGEST_INVALID,
 * MANIFEST_BLOB_UNKNOWN; 413 when larger than the limit.
 */
export async function putManifest(ctx: Context, svc: Services): Promise<void> {
  const limit = svc.policy.manifestLimit(ctx.name);
  const data = await readBody(
    ctx.req,
    limit,
    () =>
      new RegistryError("MANIFEST_INVALID", {
        status: 413,
        message: `manifest larger than the limit of ${limit} bytes`,
      }),
  );
  const reference = ctx.match.reference ?? "";
  const { digest, subject } = await svc.manifests.put(
    ctx.name,
    reference,
    data,
    ctx.req.headers["content-type"],
  );
  const headers: Record<string, string> = {
    location: manifestPath(ctx.name, digest),
    [Headers.contentDigest]: digest,
  };
  if (subject !== undefined) headers[Headers.ociSubject] = subject;
  writeEmpty(ctx.res, 201, headers);
}

/**
 * DELETE /v2/<name>/manifests/<reference> (end-9): 202; by tag removes the
 * tag only. 404 MANIFEST_UNKNOWN, 405 UNSUPPORTED when deletes are disabled.
 */
export async function deleteManifest(
  ctx: Context,
  svc: Services,
): Promise<void> {
  if (!svc.policy.deleteEnabled) throw new RegistryError("UNSUPPORTED");
  await svc.manifests.remove(ctx.name, ctx.match.reference ?? "");
  writeEmpty(ctx.res, 202);
}
