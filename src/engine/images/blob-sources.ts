import { join } from "node:path";
import type { Digest } from "../../oci/digest.ts";
import { RecordStore } from "../../storage/metadata/record-store.ts";

/** One place a layer's compressed form is known to be: what moby calls V2Metadata. */
export type BlobSource = {
  /** Digest of the compressed blob ("sha256:…"). */
  digest: Digest;
  /** Full repository name with registry: "127.0.0.1:5000/team/bb". */
  repository: string;
  mediaType: string;
  size: number;
};

/** Entries kept per layer: enough for a few registries and repositories. */
const MAX_SOURCES = 32;

/**
 * The per-registry, per-repository map from a layer's diffId to the
 * compressed blobs that were pulled from or pushed to each repository, so a
 * second push (or a pull-then-push) finds the blob with a HEAD or mounts it
 * instead of compressing and uploading again (moby's
 * distribution/metadata/v2_metadata_service.go).
 *
 * ```
 * <data-root>/image/distribution/<diffId hex>.json   {"sources": [BlobSource, …]} newest first
 * ```
 */
export class BlobSources {
  #records: RecordStore<{ sources: BlobSource[] }>;

  constructor(options: { imageDir: string }) {
    this.#records = new RecordStore({
      dir: join(options.imageDir, "distribution"),
      schemaVersion: 1,
    });
  }

  /** Creates the directory; call once before use. */
  async init(): Promise<void> {
    await this.#records.init();
  }

  /** Known sources of a layer, newest first ([] when none). */
  async get(diffId: Digest): Promise<BlobSource[]> {
    return (await this.#records.get(diffId.slice(7)))?.sources ?? [];
  }

  /** Records a source (moving it first if already known). */
  async add(diffId: Digest, source: BlobSource): Promise<void> {
    const rest = (await this.get(diffId)).filter(
      (s) =>
        !(s.digest === source.digest && s.repository === source.repository),
    );
    await this.#records.put(diffId.slice(7), {
      sources: [source, ...rest].slice(0, MAX_SOURCES),
    });
  }

  /** Forgets a source the registry no longer has. */
  async drop(diffId: Digest, source: BlobSource): Promise<void> {
    const sources = (await this.get(diffId)).filter(
      (s) =>
        !(s.digest === source.digest && s.repository === source.repository),
    );
    await this.#records.put(diffId.slice(7), { sources });
  }
}
