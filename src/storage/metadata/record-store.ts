import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { isErrno } from "../../util/errors.ts";
import { writeJsonAtomic } from "../../util/fs.ts";

/** What is written to disk: the record plus the schema version it was written with. */
type Envelope<T> = { schemaVersion: number; record: T };

/** Options of a RecordStore; see the class comment for the layouts. */
export type RecordStoreOptions<T> = {
  dir: string;
  /** The version written into every envelope; older records go through `migrate`. */
  schemaVersion: number;
  /**
   * Set for the one-directory-per-record layout: `<dir>/<id>/<fileName>`, for
   * kinds whose records sit beside their data (volumes). Unset: `<dir>/<id>.json`.
   */
  fileName?: string;
  /**
   * Turns a record written with an older schema into the current one. Version
   * 0 is the layout before envelopes: the file held the bare record. Without
   * this hook older records are returned as stored.
   */
  migrate?: (record: unknown, fromVersion: number) => T;
};

/** A record written by a newer wharf (a schema version this code does not know). */
export class NewerSchemaError extends Error {}

function isEnvelope(v: unknown): v is Envelope<unknown> {
  return (
    typeof v === "object" &&
    v !== null &&
    typeof (v as { schemaVersion?: unknown }).schemaVersion === "number" &&
    "record" in v
  );
}

/**
 * JSON records of one kind, one file per record, each written atomically
 * (util/fs.ts: temp, fsync, rename) so `kill -9` never leaves a torn record.
 *
 * ```
 * <dir>/<id>.json              {"schemaVersion": N, "record": {…}}   (flat layout)
 * <dir>/<id>/<fileName>        the same envelope                     (fileName set)
 * <dir>/.tmp-*, <dir>/<id>/.tmp-*   half-written temps; removed by init()
 * ```
 * Ids must match [A-Za-z0-9_.:-]+ (no slashes, no leading dot), so an id can
 * never escape dir. Records with a newer schemaVersion than this code knows are
 * refused when read, so an old wharfd does not silently drop fields it does not
 * understand. Older ones (and bare records from before envelopes, version 0)
 * pass through `migrate` and are rewritten in the current version by
 * `migrateAll`, which the owning store calls once at start.
 */
export class RecordStore<T> {
  readonly dir: string;
  readonly schemaVersion: number;
  #fileName: string | undefined;
  #migrate: ((record: unknown, fromVersion: number) => T) | undefined;

  constructor(options: RecordStoreOptions<T>) {
    this.dir = options.dir;
    this.schemaVersion = options.schemaVersion;
    this.#fileName = options.fileName;
    this.#migrate = options.migrate;
  }

  /** Creates the directory and removes half-written temp files. */
  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    for (const name of await readdir(this.dir)) {
      if (name.startsWith(".tmp-"))
        await rm(join(this.dir, name), { force: true });
      else if (this.#fileName && RecordStore.validId(name))
        for (const inner of await readdir(join(this.dir, name)).catch(
          () => [] as string[],
        ))
          if (inner.startsWith(".tmp-"))
            await rm(join(this.dir, name, inner), { force: true });
    }
  }

  /**
   * Writes (creates or replaces) a record atomically. `durable: false`
   * skips the fsync: the write survives a daemon crash, not a power loss.
   */
  async put(
    id: string,
    record: T,
    options: { durable?: boolean } = {},
  ): Promise<void> {
    const env: Envelope<T> = { schemaVersion: this.schemaVersion, record };
    await writeJsonAtomic(this.path(id), env, {
      sync: options.durable !== false,
    });
  }

  /**
   * Reads a record, migrated to the current schema; undefined when absent.
   * Throws for a newer schema version or a file that is not JSON.
   */
  async get(id: string): Promise<T | undefined> {
    const read = await this.read(id);
    return read?.record;
  }

  /**
   * Rewrites every record stored with an older schema (or bare, from before
   * envelopes) in the current one. Idempotent; returns the ids rewritten.
   */
  async migrateAll(): Promise<string[]> {
    const done: string[] = [];
    for (const id of await this.ids()) {
      const read = await this.read(id);
      if (!read || read.version === this.schemaVersion) continue;
      await this.put(id, read.record);
      done.push(id);
    }
    return done;
  }

  /** Removes a record; no-op when absent. With `fileName`, only the record file goes. */
  async remove(id: string): Promise<void> {
    await rm(this.path(id), { force: true });
  }

  /** Ids of the records present, in no particular order. */
  async ids(): Promise<string[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    if (!this.#fileName)
      return names
        .filter((n) => n.endsWith(".json") && !n.startsWith("."))
        .map((n) => n.slice(0, -5));
    const out: string[] = [];
    for (const name of names)
      if (RecordStore.validId(name)) {
        const files = await readdir(join(this.dir, name)).catch(
          () => [] as string[],
        );
        if (files.includes(this.#fileName)) out.push(name);
      }
    return out;
  }

  /** Every record as [id, record], in no particular order. */
  async list(): Promise<Array<[string, T]>> {
    const out: Array<[string, T]> = [];
    for (const id of await this.ids()) {
      const rec = await this.get(id);
      if (rec !== undefined) out.push([id, rec]);
    }
    return out;
  }

  /** The file of a record. Throws for an id outside [A-Za-z0-9_.:-]+ or starting with a dot. */
  path(id: string): string {
    if (!RecordStore.validId(id))
      throw new Error(`invalid record id: ${JSON.stringify(id)}`);
    return this.#fileName
      ? join(this.dir, id, this.#fileName)
      : join(this.dir, `${id}.json`);
  }

  /** True for an id a RecordStore accepts. */
  static validId(id: string): boolean {
    return /^[A-Za-z0-9_.:-]+$/.test(id) && !id.startsWith(".");
  }

  /**
   * Reads a record, migrated to the current schema, with the version it
   * was stored in (older: the caller may rewrite it); undefined when
   * absent. Throws as get does.
   */
  async read(id: string): Promise<{ record: T; version: number } | undefined> {
    let text: string;
    try {
      text = await readFile(this.path(id), "utf8");
    } catch (err) {
      if (isErrno(err, "ENOENT") || isErrno(err, "ENOTDIR")) return undefined;
      throw err;
    }
    const parsed = JSON.parse(text) as unknown;
    const version = isEnvelope(parsed) ? parsed.schemaVersion : 0;
    const raw = isEnvelope(parsed) ? parsed.record : parsed;
    if (version > this.schemaVersion)
      throw new NewerSchemaError(
        `record ${id} in ${this.dir} has schema version ${version}, newer than ${this.schemaVersion}`,
      );
    if (version === this.schemaVersion) return { record: raw as T, version };
    const record = this.#migrate ? this.#migrate(raw, version) : (raw as T);
    return { record, version };
  }
}
