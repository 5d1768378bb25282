import { createHash, type Hash } from "node:crypto";

/**
 * Content digests as the OCI image spec defines them ("algorithm:encoded",
 * image-spec descriptor.md#digests). wharf computes only sha256 but accepts
 * any well-formed digest when parsing.
 */

/** A digest string such as "sha256:<64 hex>". */
export type Digest = string;

const digestPattern = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const sha256Pattern = /^sha256:[a-f0-9]{64}$/;

/** True for any well-formed digest (grammar of image-spec descriptor.md). */
export function isDigest(s: string): boolean {
  return digestPattern.test(s);
}

/** True for a "sha256:<64 lowercase hex>" digest, the only kind wharf stores. */
export function isSha256Digest(s: string): boolean {
  return sha256Pattern.test(s);
}

/** Returns the hex part of a sha256 digest; throws a plain Error if malformed. */
export function digestHex(digest: Digest): string {
  if (!isSha256Digest(digest)) throw new Error(`invalid digest: ${digest}`);
  return digest.slice(7);
}

/** The sha256 digest of a buffer or string. */
export function sha256Digest(data: string | Uint8Array): Digest {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

/** A running sha256 that also counts bytes, for hashing while streaming. */
export class DigestCounter {
  #hash: Hash = createHash("sha256");
  /** Bytes seen so far. */
  size = 0;
  /** Feeds one chunk. */
  update(chunk: Uint8Array): void {
    this.#hash.update(chunk);
    this.size += chunk.length;
  }
  /** The final digest; call once. */
  digest(): Digest {
    return `sha256:${this.#hash.digest("hex")}`;
  }
}

/**
 * Chain id of a layer stack (image-spec config.md#layer-chainid):
 * chainId(L0) = diffId(L0); chainId(Ln) = sha256(chainId(Ln-1) + " " + diffId(Ln)).
 * Returns one chain id per layer, bottom first.
 */
export function chainIds(diffIds: readonly Digest[]): Digest[] {
  const out: Digest[] = [];
  for (const diffId of diffIds) {
    const prev = out[out.length - 1];
    out.push(prev === undefined ? diffId : sha256Digest(`${prev} ${diffId}`));
  }
  return out;
}
