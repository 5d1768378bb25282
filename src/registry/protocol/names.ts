/**
 * The distribution-spec grammar for repository names, tags and digests
 * (spec.md "Pulling manifests"): `<name>` is path components of lowercase
 * alphanumerics joined by separators, `<reference>` a tag or a digest.
 */
import { isDigest } from "../../oci/digest.ts";

const component = "[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*";
/** Regexp source of a repository name (no anchors), for route patterns. */
export const NAME_PATTERN = `${component}(?:/${component})*`;
const nameRegexp = new RegExp(`^${NAME_PATTERN}$`);
const tagRegexp = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
/** distribution's limit on a repository name (reference.NameTotalLengthMax). */
export const NAME_MAX = 255;

/** True for a valid repository name: no uppercase, no `..`, at most 255 bytes. */
export function isValidName(name: string): boolean {
  return name.length <= NAME_MAX && nameRegexp.test(name);
}

/** True for a valid tag (`[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`). */
export function isValidTag(tag: string): boolean {
  return tagRegexp.test(tag);
}

/** True when a manifest reference is a digest rather than a tag. */
export function isDigestReference(reference: string): boolean {
  return reference.includes(":") && isDigest(reference);
}
