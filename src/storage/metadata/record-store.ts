import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { isErrno } from "../../util/errors.ts";
import { writeJsonAtomic } from "../../util/fs.ts";

/** What is written to disk: the record plus the schema version it was written with. */
type Envelope<T> = { schemaVersion: number; record: T };

/**
 * JSON records of one kind, one file per record, each written atomically
 * (util/fs.ts: temp, fsync, rename) so `kill -9` never leaves a torn record.
 *
 * ```
 * <dir>/<id>.json     {"schemaVersion": N, "record": {…}}
 * <dir>/.tmp-*        half-written temps; removed by init()
 * ```
 * Ids must match [A-Za-z0-9_.:-]+ (no slashes), so an id can never escape dir.
 * Records with a newer schemaVersion than this code knows are refused when read,
 * so an old wharfd does not silently drop fields it does not understand.
 */
export class RecordStore<T> {
  readonly dir: string;
  readonly schemaVersion: number;

  constructor(options: { dir: string; schemaVersion: number }) {
    this.dir = options.dir;
    this.schemaVersion = options.schemaVersion;
  }

  /** Creates the directory and removes half-written temp files. */
  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    for (const name of await readdir(this.dir))
      if (name.startsWith(".tmp-"))
        await rm(join(this.dir, name), { force: true });
  }

  /** Writes (creates or replaces) a record atomically. */
  async put(id: string, record: T): Promise<void> {
    const env: Envelope<T> = { schemaVersion: this.schemaVersion, record };
    await writeJsonAtomic(this.#path(id), env);
  }

  /** Reads a record; undefined when absent. Throws for a newer schema version. */
  async get(id: string): Promise<T | undefined> {
    let text: string;
    try {
      text = await readFile(this.#path(id), "utf8");
    } catch (err) {
      if (isErrno(err, "ENOENT")) return undefined;
      throw err;
    }
    const env = JSON.parse(text) as Envelope<T>;
    if (env.schemaVersion > this.schemaVersion)
      throw new Error(
        `record ${id} in ${this.dir} has schema version ${env.schemaVersion}, newer than ${this.schemaVersion}`,
      );
    return env.record;
  }

  /** Removes a record; no-op when absent. */
  async remove(id: string): Promise<void> {
    await rm(this.#path(id), { force: true });
  }

  /** Every record as [id, record], in no particular order. */
  async list(): Promise<Array<[string, T]>> {
    const out: Array<[string, T]> = [];
    for (const name of await readdir(this.dir).catch(() => [])) {
      if (!name.endsWith(".json") || name.startsWith(".")) continue;
      const id = name.slice(0, -5);
      const rec = await this.get(id);
      if (rec !== undefined) out.push([id, rec]);
    }
    return out;
  }

  #path(id: string): string {
    if (!/^[A-Za-z0-9_.:-]+$/.test(id) || id.startsWith("."))
      throw new Error(`invalid record id: ${JSON.stringify(id)}`);
    return join(this.dir, `${id}.json`);
  }
}
