import { createHash } from "node:crypto";
import { join } from "node:path";
import { readJsonIfExists, writeJsonAtomic } from "../../util/fs.ts";
import { KeyedLock } from "../../util/lock.ts";

/**
 * The build cache index: what a step made, keyed by its parent image, its
 * instruction (history CreatedBy, which includes the RUN command and the
 * build args it saw), the resulting config and, for ADD/COPY, a checksum
 * of the copied files (contents and metadata, never times). Values are
 * image ids: the intermediate images themselves are the cache, so the
 * index survives restarts and a pruned image is simply a miss.
 *
 * ```
 * <root>/builder/cache.json   { "version": 1, "steps": { "<key>": "sha256:…" } }
 * ```
 */
export class BuildCache {
  #file: string;
  #steps = new Map<string, string>();
  #lock = new KeyedLock();

  constructor(options: { dir: string }) {
    this.#file = join(options.dir, "cache.json");
  }

  /** Loads the index (absent file = empty cache). */
  async init(): Promise<void> {
    const data = await readJsonIfExists<{ steps?: Record<string, string> }>(
      this.#file,
    );
    this.#steps = new Map(Object.entries(data?.steps ?? {}));
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
      writeJsonAtomic(this.#file, {
        version: 1,
        steps: Object.fromEntries(this.#steps),
      }),
    );
  }
}
