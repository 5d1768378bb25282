import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { isErrno } from "../../util/errors.ts";
import { RecordStore } from "../../storage/metadata/record-store.ts";
import { isMountPoint } from "./mount-options.ts";

/** What wharf persists per volume (schema 1). */
export type VolumeRecord = {
  schema: 1;
  name: string;
  driver: string;
  labels: Record<string, string>;
  /** The driver options given at create (Docker's Options). */
  options: Record<string, string>;
  /** RFC 3339, seconds precision, as Docker's CreatedAt. */
  createdAt: string;
  /** True for volumes created without a name (image VOLUME, `-v /path`). */
  anonymous: boolean;
};

/**
 * The volume records, one directory per volume under the volumes root:
 *
 * ```
 * <data-root>/volumes/<name>/volume.json   {"schemaVersion": 1, "record": VolumeRecord}
 * <data-root>/volumes/<name>/_data         local driver: the data (see local-driver.ts)
 * <data-root>/volumes/<name>/opts.json     local driver: mount options
 * ```
 * The record is written after the driver created the volume and removed
 * before the driver removes it, so a crash leaves at most a directory
 * without record, which load() deletes. Names are checked before use.
 * Records are kept by storage/metadata's RecordStore; a bare VolumeRecord
 * (the layout before envelopes) is rewritten in an envelope at load.
 */
export class VolumeStore {
  readonly root: string;
  #records = new Map<string, VolumeRecord>();
  #store: RecordStore<VolumeRecord>;

  constructor(root: string) {
    this.root = root;
    this.#store = new RecordStore({
      dir: root,
      schemaVersion: 1,
      fileName: "volume.json",
    });
  }

  /** Reads every record; removes directories a crash left without one. */
  async load(): Promise<void> {
    let names: string[] = [];
    try {
      names = await readdir(this.root);
    } catch (err) {
      if (!isErrno(err, "ENOENT")) throw err;
    }
    if (names.length) {
      await this.#store.init();
      await this.#store.migrateAll();
    }
    for (const name of names) {
      const r = RecordStore.validId(name)
        ? await this.#store.get(name)
        : undefined;
      if (r && r.name === name) this.#records.set(name, r);
      else if (!(await isMountPoint(join(this.root, name, "_data"))))
        await rm(join(this.root, name), { recursive: true, force: true });
    }
  }

  get(name: string): VolumeRecord | undefined {
    return this.#records.get(name);
  }

  all(): VolumeRecord[] {
    return [...this.#records.values()];
  }

  /** Writes a record atomically and indexes it. */
  async save(r: VolumeRecord): Promise<void> {
    await this.#store.put(r.name, r);
    this.#records.set(r.name, r);
  }

  /** Drops the record; the driver's data goes separately. */
  async remove(name: string): Promise<void> {
    await this.#store.remove(name);
    this.#records.delete(name);
  }

  /** Removes the volume's directory once the driver is done with it. */
  async removeDir(name: string): Promise<void> {
    await rm(join(this.root, name), { recursive: true, force: true });
  }
}
