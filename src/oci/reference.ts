/**
 * Image references parsed as Docker's distribution/reference does: the
 * grammar of reference/regexp.go, normalization of familiar names
 * (`busybox` → `docker.io/library/busybox`) and back again for display.
 * Pure functions; errors are InvalidReferenceError carrying Docker's text.
 */

/** A parsed, normalized reference. At least one of tag and digest may be absent. */
export type Reference = {
  /** Registry host with optional port: "docker.io", "localhost:5000". */
  domain: string;
  /** Repository path inside the registry: "library/busybox". */
  path: string;
  tag?: string;
  digest?: string;
};

/** A malformed reference; the message is what Docker prints. */
export class InvalidReferenceError extends Error {
  override name = "InvalidReferenceError";
}

/** Docker Hub's canonical domain. */
export const DEFAULT_DOMAIN = "docker.io";
const LEGACY_DOMAIN = "index.docker.io";
const OFFICIAL_PREFIX = "library/";
const NAME_MAX = 255;

const alnum = "[a-z0-9]+";
const separator = "(?:[._]|__|[-]+)";
const pathComponent = `${alnum}(?:${separator}${alnum})*`;
const domainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const host = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[[a-fA-F0-9:]+\\])`;
const domainAndPort = `${host}(?::[0-9]+)?`;
const namePattern = `(?:${domainAndPort}/)?${pathComponent}(?:/${pathComponent})*`;
const tagPattern = "[\\w][\\w.-]{0,127}";
const digestPattern =
  "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}";
const referenceRegexp = new RegExp(
  `^(${namePattern})(?::(${tagPattern}))?(?:@(${digestPattern}))?$`,
);
const nameRegexp = new RegExp(`^(?:(${domainAndPort})/)?(.+)$`);
const identifierRegexp = /^[a-f0-9]{64}$/;
const tagRegexp = new RegExp(`^${tagPattern}$`);

/** True for a 64-hex string, which Docker treats as an image id, never a name. */
export function isIdentifier(s: string): boolean {
  return identifierRegexp.test(s);
}

/** True for a valid tag (`[\w][\w.-]{0,127}`). */
export function isValidTag(s: string): boolean {
  return tagRegexp.test(s);
}

/**
 * Parses a fully qualified reference without normalizing (reference.Parse).
 * Throws InvalidReferenceError: "invalid reference format" and friends.
 */
export function parseReference(s: string): Reference {
  const m = referenceRegexp.exec(s);
  if (!m) {
    if (s === "")
      throw new InvalidReferenceError(
        "invalid reference format: repository name must have at least one component",
      );
    if (referenceRegexp.test(s.toLowerCase()))
      throw new InvalidReferenceError(
        "invalid reference format: repository name must be lowercase",
      );
    throw new InvalidReferenceError("invalid reference format");
  }
  const name = m[1]!;
  if (name.length > NAME_MAX)
    throw new InvalidReferenceError(
      `invalid reference format: repository name must not be more than ${NAME_MAX} characters`,
    );
  const parts = nameRegexp.exec(name)!;
  const ref: Reference = { domain: parts[1] ?? "", path: parts[2]! };
  if (m[2] !== undefined) ref.tag = m[2];
  if (m[3] !== undefined) ref.digest = m[3];
  return ref;
}

/**
 * Parses a reference as users type it (reference.ParseNormalizedNamed):
 * adds docker.io and library/ where Docker does. Throws InvalidReferenceError.
 */
export function parseNormalizedReference(s: string): Reference {
  if (isIdentifier(s))
    throw new InvalidReferenceError(
      `invalid repository name (${s}), cannot specify 64-byte hexadecimal strings`,
    );
  const [domain, remainder] = splitDomain(s);
  const colon = remainder.indexOf(":");
  const remoteName = colon === -1 ? remainder : remainder.slice(0, colon);
  // compat: Docker reports the lowercase rule with the normalized path, e.g. (library/Busybox).
  if (remoteName.toLowerCase() !== remoteName)
    throw new InvalidReferenceError(
      `invalid reference format: repository name (${remoteName}) must be lowercase`,
    );
  return parseReference(`${domain}/${remainder}`);
}

function splitDomain(name: string): [string, string] {
  const i = name.indexOf("/");
  let domain: string;
  let remainder: string;
  const first = i === -1 ? "" : name.slice(0, i);
  if (
    i === -1 ||
    (!/[.:]/.test(first) &&
      first !== "localhost" &&
      first.toLowerCase() === first)
  ) {
    domain = DEFAULT_DOMAIN;
    remainder = name;
  } else {
    domain = first;
    remainder = name.slice(i + 1);
  }
  if (domain === LEGACY_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !remainder.includes("/"))
    remainder = OFFICIAL_PREFIX + remainder;
  return [domain, remainder];
}

/** Adds the "latest" tag when the reference has neither tag nor digest (TagNameOnly). */
export function withDefaultTag(ref: Reference): Reference {
  if (ref.tag !== undefined || ref.digest !== undefined) return ref;
  return { ...ref, tag: "latest" };
}

/** The full repository name: "docker.io/library/busybox". */
export function fullName(ref: Reference): string {
  return ref.domain ? `${ref.domain}/${ref.path}` : ref.path;
}

/** The full reference: "docker.io/library/busybox:latest[@sha256:…]". */
export function referenceString(ref: Reference): string {
  return suffix(fullName(ref), ref);
}

/** The repository name as Docker displays it: "busybox", "localhost:5000/a/b". */
export function familiarName(ref: Reference): string {
  if (ref.domain !== DEFAULT_DOMAIN) return fullName(ref);
  const rest = ref.path;
  if (
    rest.startsWith(OFFICIAL_PREFIX) &&
    !rest.slice(OFFICIAL_PREFIX.length).includes("/")
  )
    return rest.slice(OFFICIAL_PREFIX.length);
  return rest;
}

/** The reference as Docker displays it: "busybox:latest", "a/b@sha256:…". */
export function familiarString(ref: Reference): string {
  return suffix(familiarName(ref), ref);
}

function suffix(name: string, ref: Reference): string {
  let s = name;
  if (ref.tag !== undefined) s += `:${ref.tag}`;
  if (ref.digest !== undefined) s += `@${ref.digest}`;
  return s;
}
