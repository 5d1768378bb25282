import { MediaTypes } from "../../../oci/media-types.ts";
import { Headers } from "../../protocol/paths.ts";
import { RegistryError } from "../../protocol/errors.ts";
import { paginate, writeJson, type Context } from "../context.ts";
import type { Services } from "../services.ts";
import { checkDigest } from "../storage/blobs.ts";
import { listRepositories } from "../storage/catalog.ts";
import { listReferrers } from "../storage/referrers.ts";

/**
 * GET /v2/<name>/tags/list (end-8a, 8b): `{name, tags}` paged by `n` and
 * `last` with a Link header; 404 NAME_UNKNOWN for a repository without tags
 * or manifests.
 */
export async function getTagsList(ctx: Context, svc: Services): Promise<void> {
  const tags = await svc.manifests.tags(ctx.name);
  if (tags.length === 0 && !(await svc.manifests.exists(ctx.name)))
    throw new RegistryError("NAME_UNKNOWN", { detail: { name: ctx.name } });
  const { page, link } = paginate(tags, ctx.query, `/v2/${ctx.name}/tags/list`);
  writeJson(ctx.res, 200, { name: ctx.name, tags: page }, link ? { link } : {});
}

/** GET /v2/_catalog: `{repositories}` paged by `n` and `last` with a Link header. */
export async function getCatalog(ctx: Context, svc: Services): Promise<void> {
  const repos = await listRepositories(svc.driver);
  const { page, link } = paginate(repos, ctx.query, "/v2/_catalog");
  writeJson(ctx.res, 200, { repositories: page }, link ? { link } : {});
}

/**
 * GET /v2/<name>/referrers/<digest> (end-12a, 12b): an OCI index of the
 * manifests whose subject is <digest>, filtered by `artifactType` (then
 * with OCI-Filters-Applied); 400 DIGEST_INVALID.
 */
export async function getReferrers(ctx: Context, svc: Services): Promise<void> {
  const subject = ctx.match.digest ?? "";
  checkDigest(subject);
  const artifactType = ctx.query.get("artifactType");
  const manifests = await listReferrers(svc.driver, svc.blobs, {
    name: ctx.name,
    subject,
    ...(artifactType !== null ? { artifactType } : {}),
  });
  const body = { schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests };
  writeJson(ctx.res, 200, body, {
    "content-type": MediaTypes.ociIndex,
    ...(artifactType !== null
      ? { [Headers.ociFiltersApplied]: "artifactType" }
      : {}),
  });
}
