/**
 * Where the registry keeps everything inside its storage driver. The layout
 * is distribution's (registry/storage/paths.go), so a root written by
 * distribution 2.x can be served and vice versa, plus one directory of our
 * own for the referrers API:
 *
 * ```
 * /docker/registry/v2/
 *   blobs/sha256/<hex[0:2]>/<hex>/data          blob and manifest bytes, content-addressed
 *   repositories/<name>/
 *     _layers/sha256/<hex>/link                 "sha256:<hex>": the blob is in this repository
 *     _manifests/revisions/sha256/<hex>/link    the manifest is in this repository
 *     _manifests/tags/<tag>/current/link        digest the tag points at
 *     _manifests/tags/<tag>/index/sha256/<hex>/link   every digest the tag has pointed at
 *     _referrers/sha256/<subject-hex>/sha256/<hex>/link   (wharf) manifest <hex> has subject <subject-hex>
 *     _uploads/<uuid>/data                      bytes received so far
 *     _uploads/<uuid>/startedat                 RFC 3339 time the upload started
 * /wharf-registry.lock (filesystem root only)   pid of the process serving this root
 * ```
 *
 * Only validated names, tags, sha256 digests and upload ids (UUIDs) are
 * ever joined into these paths.
 */
import { digestHex, type Digest } from "../../../oci/digest.ts";

const ROOT = "/docker/registry/v2";

/** Directory of all blobs. */
export const blobsRoot = `${ROOT}/blobs/sha256`;
/** Directory of all repositories. */
export const repositoriesRoot = `${ROOT}/repositories`;

/** The data file of a blob. */
export function blobDataPath(digest: Digest): string {
  const hex = digestHex(digest);
  return `${blobsRoot}/${hex.slice(0, 2)}/${hex}/data`;
}

/** The directory of one repository. */
export function repoPath(name: string): string {
  return `${repositoriesRoot}/${name}`;
}

/** The link saying a blob is part of a repository. */
export function layerLinkPath(name: string, digest: Digest): string {
  return `${repoPath(name)}/_layers/sha256/${digestHex(digest)}/link`;
}

/** The directory of a repository's layer links. */
export function layersDir(name: string): string {
  return `${repoPath(name)}/_layers/sha256`;
}

/** The link saying a manifest revision is part of a repository. */
export function revisionLinkPath(name: string, digest: Digest): string {
  return `${revisionsDir(name)}/${digestHex(digest)}/link`;
}

/** The directory of a repository's manifests (revisions and tags). */
export function manifestsDir(name: string): string {
  return `${repoPath(name)}/_manifests`;
}

/** The directory of a repository's manifest revisions. */
export function revisionsDir(name: string): string {
  return `${repoPath(name)}/_manifests/revisions/sha256`;
}

/** The directory of a repository's tags. */
export function tagsDir(name: string): string {
  return `${repoPath(name)}/_manifests/tags`;
}

/** The current link of a tag. */
export function tagCurrentPath(name: string, tag: string): string {
  return `${tagsDir(name)}/${tag}/current/link`;
}

/** The history link of a tag for one digest. */
export function tagIndexPath(
  name: string,
  tag: string,
  digest: Digest,
): string {
  return `${tagsDir(name)}/${tag}/index/sha256/${digestHex(digest)}/link`;
}

/** The directory of the referrers of one subject. */
export function referrersDir(name: string, subject: Digest): string {
  return `${repoPath(name)}/_referrers/sha256/${digestHex(subject)}/sha256`;
}

/** The link recording that manifest `digest` refers to `subject`. */
export function referrerLinkPath(
  name: string,
  subject: Digest,
  digest: Digest,
): string {
  return `${referrersDir(name, subject)}/${digestHex(digest)}/link`;
}

/** The directory of a repository's uploads. */
export function uploadsDir(name: string): string {
  return `${repoPath(name)}/_uploads`;
}

/** The data file of an upload. */
export function uploadDataPath(name: string, uuid: string): string {
  return `${uploadsDir(name)}/${uuid}/data`;
}

/** The start-time file of an upload. */
export function uploadStartedPath(name: string, uuid: string): string {
  return `${uploadsDir(name)}/${uuid}/startedat`;
}
