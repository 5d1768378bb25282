import { join } from "node:path";
import type { Digest } from "../../oci/digest.ts";
import type { ImageConfig } from "../../oci/image.ts";
import {
  familiarName,
  familiarString,
  parseNormalizedReference,
  type Reference,
} from "../../oci/reference.ts";
import type { ContentStore } from "../../storage/content/content-store.ts";
import { RecordStore } from "../../storage/metadata/record-store.ts";
import { fault } from "../../util/fault.ts";

/** What is persisted per image beyond its config blob. */
export type ImageRecord = {
  id: Digest;
  /** RFC 3339 time of the last tag, absent when never tagged. */
  lastTagTime?: string;
  /** Parent image id (set by builds), absent otherwise. */
  parent?: string;
};

/** What is persisted per committed layer (keyed by chain id). */
export type LayerRecord = {
  chainId: Digest;
  diffId: Digest;
  parent?: Digest;
  /** Sum of regular file sizes: Docker's layer size. */
  size: number;
  /** Bytes of the uncompressed tar, kept in the content store under diffId. */
  tarSize: number;
  /**
   * A pulled layer keeps the compressed blob as pulled instead of the tar:
   * the content store holds it under this digest, and save/push read it.
   */
  blob?: { digest: Digest; size: number; mediaType: string };
};

type RepositoriesFile = {
  Repositories: Record<string, Record<string, Digest>>;
};

/**
 * The image metadata: records of images and layers, and the name index
 * (tags and digests → image id), kept in memory and persisted atomically.
 *
 * ```
 * <data-root>/image/
 *   repositories.json        {"schemaVersion": 1, "record": {"Repositories": {"busybox": {"busybox:latest": "sha256:…"}}}}
 *   images/<id hex>.json     ImageRecord
 *   layers/<chain hex>.json  LayerRecord
 * ```
 * Image configs live in the content store under their id.
 */
export class ImageStore {
  readonly images: RecordStore<ImageRecord>;
  readonly layers: RecordStore<LayerRecord>;
  /** The name index, one record with id "repositories" (repositories.json). */
  #repositories: RecordStore<RepositoriesFile>;
  readonly content: ContentStore;
  /** Full reference string ("docker.io/library/busybox:latest") → image id. */
  #refs = new Map<string, Digest>();
  #records = new Map<Digest, ImageRecord>();
  #configs = new Map<Digest, ImageConfig>();

  constructor(options: { dir: string; content: ContentStore }) {
    this.content = options.content;
    this.images = new RecordStore({
      dir: join(options.dir, "images"),
      schemaVersion: 1,
    });
    this.layers = new RecordStore({
      dir: join(options.dir, "layers"),
      schemaVersion: 1,
    });
    this.#repositories = new RecordStore({
      dir: options.dir,
      schemaVersion: 1,
    });
  }

  /** Loads records and the name index; drops names of images that are gone. */
  async init(): Promise<void> {
    await this.images.init();
    await this.layers.init();
    await this.#repositories.init();
    // A repositories.json from before envelopes (the bare index) is rewritten once.
    await this.#repositories.migrateAll();
    for (const [, rec] of await this.images.list()) {
      const config = await this.content.read(rec.id).catch(() => undefined);
      if (!config) continue; // a delete cut short: the config is gone, so is the image
      this.#records.set(rec.id, rec);
      this.#configs.set(rec.id, JSON.parse(config.toString()) as ImageConfig);
    }
    const file = await this.#repositories.get("repositories");
    for (const repo of Object.values(file?.Repositories ?? {}))
      for (const [ref, id] of Object.entries(repo))
        if (this.#records.has(id)) this.#refs.set(canonical(ref), id);
  }

  /** Every image id. */
  ids(): Digest[] {
    return [...this.#records.keys()];
  }

  /** Number of images. */
  get size(): number {
    return this.#records.size;
  }

  /** The record of an image, or undefined. */
  record(id: Digest): ImageRecord | undefined {
    return this.#records.get(id);
  }

  /** The parsed config of an image; throws when unknown (callers resolve first). */
  config(id: Digest): ImageConfig {
    const c = this.#configs.get(id);
    if (!c) throw new Error(`image ${id}: not in store`);
    return c;
  }

  /** Adds an image whose config is already in the content store. */
  async add(record: ImageRecord, config: ImageConfig): Promise<void> {
    // Test-only crash point: config blob and layers are in, the record is not.
    fault("image:add");
    await this.images.put(record.id.slice(7), record);
    this.#records.set(record.id, record);
    this.#configs.set(record.id, config);
  }

  /** Updates an image record. */
  async update(record: ImageRecord): Promise<void> {
    await this.images.put(record.id.slice(7), record);
    this.#records.set(record.id, record);
  }

  /** Forgets an image and its names (the caller removes blobs and layers). */
  async delete(id: Digest): Promise<void> {
    for (const [ref, target] of this.#refs)
      if (target === id) this.#refs.delete(ref);
    await this.#saveRefs();
    await this.images.remove(id.slice(7));
    this.#records.delete(id);
    this.#configs.delete(id);
  }

  /** The image a full reference points to. */
  lookup(ref: Reference): Digest | undefined {
    return this.#refs.get(canonical(familiarString(ref)));
  }

  /** Points ref at id; returns the id it pointed to before, if different. */
  async setRef(ref: Reference, id: Digest): Promise<Digest | undefined> {
    const key = canonical(familiarString(ref));
    const old = this.#refs.get(key);
    this.#refs.set(key, id);
    await this.#saveRefs();
    return old === id ? undefined : old;
  }

  /** Removes a name; false when it was not there. */
  async removeRef(ref: Reference): Promise<boolean> {
    const removed = this.#refs.delete(canonical(familiarString(ref)));
    if (removed) await this.#saveRefs();
    return removed;
  }

  /** The parsed names of an image, sorted; tags and digests. */
  refsOf(id: Digest): Reference[] {
    const out: Reference[] = [];
    for (const [ref, target] of this.#refs)
      if (target === id) out.push(parseNormalizedReference(ref));
    return out.sort((a, b) => (familiarString(a) < familiarString(b) ? -1 : 1));
  }

  async #saveRefs(): Promise<void> {
    const file: RepositoriesFile = { Repositories: {} };
    for (const [ref, id] of this.#refs) {
      const parsed = parseNormalizedReference(ref);
      const repo = familiarName(parsed);
      (file.Repositories[repo] ??= {})[familiarString(parsed)] = id;
    }
    await this.#repositories.put("repositories", file);
  }
}

/** The index key: the full normalized reference string. */
function canonical(ref: string): string {
  const r = parseNormalizedReference(ref);
  return `${r.domain}/${r.path}${r.tag !== undefined ? ":" + r.tag : ""}${r.digest !== undefined ? "@" + r.digest : ""}`;
}
