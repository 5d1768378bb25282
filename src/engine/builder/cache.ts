import { createHash } from "node:crypto";
import { RecordStore } from "../../storage/metadata/record-store.ts";
import { KeyedLock } from "../../util/lock.ts";

/** The index's record id: <dir>/cache.json. */
const INDEX = "cache";

/**
 * The build cache index: what a step made, keyed by its parent image, its
 * instruction (history CreatedBy, which includes the RUN command and the
 * build args it saw), the resulting config and, for ADD/COPY, a checksum
 * of the copied files (contents and metadata, never times). Values are
 * image ids: the intermediate images themselves are the cache, so the
 * index survives restarts and a pruned image is simply a miss.
 *
 * ```
 * <root>/builder/cache.json   {"schemaVersion":1,"record":{"steps":{"<key>":"sha256:…"}}}
 * ```
 * One record of storage/metadata's RecordStore; the landed layout
 * (`{"version":1,"steps":…}`, schema 0) is read and rewritten at init.
 */
export class BuildCache {
  #store: RecordStore<{ steps: Record<string, string> }>;
  #steps = new Map<string, string>();
  #lock = new KeyedLock();

  constructor(options: { dir: string }) {
    this.#store = new RecordStore({
      dir: options.dir,
      schemaVersion: 1,
      migrate: (raw) => ({
        steps: (raw as { steps?: Record<string, string> }).steps ?? {},
      }),
    });
  }

  /** Loads the index (absent file = empty cache). */
  async init(): Promise<void> {
    await this.#store.init();
    const read = await this.#store.read(INDEX);
    this.#steps = new Map(Object.entries(read?.record.steps ?? {}));
    if (read && read.version < 1) await this.#save();
  }

  /** The key of one step. */
  static key(parts: {
    parent: string;
    createdBy: string;
    config: unknown;
    checksum?: string;
  }): string {
    return createHash("sha256").update(JSON.stringify(parts)).digest("hex");
  }

  /** The image a step made earlier, if recorded. */
  get(key: string): string | undefined {
    return this.#steps.get(key);
  }

  /** Records a step's image and saves the index. */
  async set(key: string, imageId: string): Promise<void> {
    this.#steps.set(key, imageId);
    await this.#save();
  }

  /** All image ids the index points at (for df and prune). */
  images(): Set<string> {
    return new Set(this.#steps.values());
  }

  /** Forgets entries whose image satisfies drop; returns how many. */
  async forget(drop: (imageId: string) => boolean): Promise<number> {
    let n = 0;
    for (const [k, v] of this.#steps)
      if (drop(v)) {
        this.#steps.delete(k);
        n++;
      }
    if (n) await this.#save();
    return n;
  }

  #save(): Promise<void> {
    return this.#lock.run("save", () =>
      this.#store.put(INDEX, { steps: Object.fromEntries(this.#steps) }),
    );
  }
}
