import type { Digest } from "../../oci/digest.ts";
import {
  InvalidReferenceError,
  familiarString,
  parseNormalizedReference,
  withDefaultTag,
  type Reference,
} from "../../oci/reference.ts";
import { InvalidArgumentError, NotFoundError } from "../../util/errors.ts";
import type { ImageStore } from "./store.ts";

/** How a user's string named an image. */
export type Resolved = { id: Digest; ref: Reference | undefined };

/** Parses a user reference, mapping InvalidReferenceError to InvalidArgumentError (400). */
export function parseRef(s: string): Reference {
  try {
    return parseNormalizedReference(s);
  } catch (err) {
    if (err instanceof InvalidReferenceError)
      throw new InvalidArgumentError(err.message);
    throw err;
  }
}

/**
 * Finds an image by full id ("sha256:…" or 64 hex), name[:tag], name@digest
 * or a unique id prefix, in moby's order (GetImage). Throws NotFoundError
 * "No such image: busybox:latest", InvalidArgumentError for a malformed
 * reference or an ambiguous prefix.
 */
export function resolveImage(store: ImageStore, s: string): Resolved {
  const full = /^(?:sha256:)?([a-f0-9]{64})$/.exec(s);
  if (full) {
    const id = `sha256:${full[1]!}`;
    if (store.record(id)) return { id, ref: undefined };
    throw new NotFoundError(`No such image: ${s}`);
  }
  const ref = parseRef(s);
  const tagged = withDefaultTag(ref);
  const byName = store.lookup(tagged);
  if (byName) return { id: byName, ref: tagged };
  const prefix = /^(?:sha256:)?([a-f0-9]+)$/.exec(s)?.[1];
  if (prefix !== undefined) {
    const hits = store.ids().filter((id) => id.slice(7).startsWith(prefix));
    if (hits.length === 1) return { id: hits[0]!, ref: undefined };
    if (hits.length > 1)
      throw new InvalidArgumentError(`ambiguous image ID prefix: ${s}`);
  }
  // compat: Docker names the missing image with its default tag ("No such image: nope:latest").
  throw new NotFoundError(`No such image: ${familiarString(tagged)}`);
}
