import { sha256Digest, type Digest } from "../../../oci/digest.ts";
import { RegistryError } from "../../protocol/errors.ts";
import { isDigestReference, isValidTag } from "../../protocol/names.ts";
import { NotFoundError } from "../../../util/errors.ts";
import { checkDigest, type BlobStore } from "./blobs.ts";
import type { StorageDriver } from "./driver.ts";
import { parseManifest, type ParsedManifest } from "./manifest-parse.ts";
import {
  manifestsDir,
  referrerLinkPath,
  revisionLinkPath,
  tagCurrentPath,
  tagIndexPath,
  tagsDir,
} from "./paths.ts";

/** A stored manifest: its bytes, digest and media type. */
export type StoredManifest = {
  data: Buffer;
  digest: Digest;
  mediaType: string;
};

/**
 * Manifests, tags and referrer links of repositories (spec.md "Pushing
 * manifests", "Deleting manifests", "Listing referrers"). Manifest bytes live
 * in the blob store; a repository holds revision links and tag links.
 */
export class ManifestStore {
  readonly #driver: StorageDriver;
  readonly #blobs: BlobStore;
  /** driver: the registry's storage; blobs: where manifest bytes go. */
  constructor(driver: StorageDriver, blobs: BlobStore) {
    this.#driver = driver;
    this.#blobs = blobs;
  }

  /** Resolves a tag or digest to a digest in name. Throws MANIFEST_UNKNOWN. */
  async resolve(name: string, reference: string): Promise<Digest> {
    if (isDigestReference(reference)) {
      checkDigest(reference);
      if (await this.#driver.stat(revisionLinkPath(name, reference)))
        return reference;
    } else if (isValidTag(reference)) {
      // compat: an invalid tag is simply unknown on reads (the conformance
      // suite's nonexistent manifest is ".INVALID_MANIFEST_NAME"); PUT says 400.
      const link = await this.#readLink(tagCurrentPath(name, reference));
      if (
        link !== undefined &&
        (await this.#driver.stat(revisionLinkPath(name, link)))
      )
        return link;
    }
    throw new RegistryError("MANIFEST_UNKNOWN", {
      detail: { name, reference },
    });
  }

  /** Reads a manifest by tag or digest. Throws MANIFEST_UNKNOWN. */
  async get(name: string, reference: string): Promise<StoredManifest> {
    const digest = await this.resolve(name, reference);
    const data = await this.#blobs.read(digest).catch((err: unknown) => {
      if (err instanceof NotFoundError)
        throw new RegistryError("MANIFEST_UNKNOWN", {
          detail: { name, reference },
        });
      throw err;
    });
    return {
      data,
      digest,
      mediaType: parseManifest(data, undefined).mediaType,
    };
  }

  /**
   * Stores a manifest under a tag or its digest. Checks the body against
   * the digest reference (DIGEST_INVALID), its JSON and media type
   * (MANIFEST_INVALID) and that every blob and child manifest it names is
   * in the repository (MANIFEST_BLOB_UNKNOWN). Returns the digest and the
   * subject, if any.
   */
  async put(
    name: string,
    reference: string,
    data: Buffer,
    contentType: string | undefined,
    options: { checkReferences?: boolean } = {},
  ): Promise<{ digest: Digest; subject?: Digest }> {
    const digest = sha256Digest(data);
    if (isDigestReference(reference)) {
      checkDigest(reference);
      if (reference !== digest)
        throw new RegistryError("DIGEST_INVALID", {
          message: "manifest digest did not match the reference",
          detail: { reference, digest },
        });
    } else checkTag(reference);
    const parsed = parseManifest(data, contentType);
    // A pull-through cache stores manifests before their blobs arrive.
    if (options.checkReferences !== false)
      await this.#checkReferences(name, parsed);
    await this.#blobs.put(name, digest, data);
    await this.#driver.putContent(revisionLinkPath(name, digest), digest);
    if (parsed.subject !== undefined)
      await this.#driver.putContent(
        referrerLinkPath(name, parsed.subject, digest),
        digest,
      );
    if (!isDigestReference(reference)) {
      await this.#driver.putContent(
        tagIndexPath(name, reference, digest),
        digest,
      );
      await this.#driver.putContent(tagCurrentPath(name, reference), digest);
    }
    return parsed.subject === undefined
      ? { digest }
      : { digest, subject: parsed.subject };
  }

  /**
   * Deletes a tag (the manifest stays), or a manifest by digest together
   * with every tag pointing at it and its referrer link. Throws MANIFEST_UNKNOWN.
   */
  async remove(name: string, reference: string): Promise<void> {
    const digest = await this.resolve(name, reference);
    if (!isDigestReference(reference)) {
      await this.#driver.remove(`${tagsDir(name)}/${reference}`);
      return;
    }
    for (const tag of await this.tags(name))
      if ((await this.#readLink(tagCurrentPath(name, tag))) === digest)
        await this.#driver.remove(`${tagsDir(name)}/${tag}`);
    const data = await this.#blobs.read(digest).catch(() => undefined);
    const subject = data ? safeSubject(data) : undefined;
    if (subject !== undefined)
      await this.#driver.remove(
        referrerLinkPath(name, subject, digest).replace(/\/link$/, ""),
      );
    await this.#driver.remove(
      revisionLinkPath(name, digest).replace(/\/link$/, ""),
    );
  }

  /** True when the repository has ever held a manifest. */
  async exists(name: string): Promise<boolean> {
    return (await this.#driver.stat(manifestsDir(name))) !== undefined;
  }

  /** The tags of a repository, sorted lexically; [] when it has none. */
  async tags(name: string): Promise<string[]> {
    const out: string[] = [];
    for (const tag of await this.#driver.list(tagsDir(name)))
      if (await this.#driver.stat(tagCurrentPath(name, tag))) out.push(tag);
    return out;
  }

  /** The digest a tag points at, or undefined. */
  async tagTarget(name: string, tag: string): Promise<Digest | undefined> {
    return this.#readLink(tagCurrentPath(name, tag));
  }

  async #checkReferences(name: string, parsed: ParsedManifest): Promise<void> {
    const missing: Digest[] = [];
    for (const d of parsed.blobs) {
      checkDigest(d);
      if ((await this.#blobs.stat(name, d)) === undefined) missing.push(d);
    }
    for (const d of parsed.manifests) {
      checkDigest(d);
      if (!(await this.#driver.stat(revisionLinkPath(name, d))))
        missing.push(d);
    }
    if (missing.length > 0)
      throw new RegistryError("MANIFEST_BLOB_UNKNOWN", {
        detail: { digests: missing },
      });
  }

  async #readLink(path: string): Promise<Digest | undefined> {
    const st = await this.#driver.stat(path);
    if (!st || st.isDir) return undefined;
    return (await this.#driver.getContent(path)).toString().trim();
  }
}

function checkTag(tag: string): void {
  if (!isValidTag(tag))
    throw new RegistryError("MANIFEST_INVALID", {
      message: "invalid tag",
      detail: { tag },
    });
}

function safeSubject(data: Buffer): Digest | undefined {
  try {
    return parseManifest(data, undefined).subject;
  } catch {
    return undefined;
  }
}
