import { mkdir, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import {
  NewerSchemaError,
  RecordStore,
} from "../../storage/metadata/record-store.ts";
import {
  ConflictError,
  InvalidArgumentError,
  NotFoundError,
} from "../../util/errors.ts";
import type { ContainerRecord } from "./record.ts";
import { repairRecord } from "./record-check.ts";
import { migrateResources } from "./resources.ts";

/**
 * The schema version of container records. 0: the bare ContainerRecord
 * (before storage/metadata's envelope); 1: the envelope.
 */
export const CONTAINER_SCHEMA = 1;

/**
 * Container records on disk plus in-memory indexes by id and name.
 * ```
 * <dataRoot>/containers/<id>/
 *   record.json     {"schemaVersion":1,"record":ContainerRecord}, by RecordStore
 *   ctr.log         conmon's k8s-file log
 *   hostname hosts resolv.conf   bind-mounted into the container
 * <execRoot>/containers/<id>/   the OCI bundle (see runtime/conmon-runtime.ts)
 * <execRoot>/execs/<execId>/    one bundle per exec
 * ```
 */
export class ContainerStore {
  readonly dir: string;
  #records: RecordStore<ContainerRecord>;
  #byId = new Map<string, ContainerRecord>();
  #byName = new Map<string, string>();

  constructor(dataRoot: string) {
    this.dir = join(dataRoot, "containers");
    this.#records = new RecordStore<ContainerRecord>({
      dir: this.dir,
      schemaVersion: CONTAINER_SCHEMA,
      fileName: "record.json",
      // A bare record from before the envelope: only its resource list may be missing.
      migrate: (raw) => {
        const r = raw as ContainerRecord;
        migrateResources(r);
        return r;
      },
    });
  }

  /**
   * Loads every readable record, rewriting those stored in an older schema
   * (the bare layout) in the current one; returns ids of directories
   * without a record and the records whose wrongly typed fields were
   * dropped (record-check.ts).
   */
  async load(): Promise<{
    orphans: string[];
    repaired: { id: string; dropped: string[] }[];
    /** Records a newer wharf wrote: left on disk, not loaded. */
    newer: string[];
  }> {
    await mkdir(this.dir, { recursive: true, mode: 0o710 });
    await this.#records.init();
    const orphans: string[] = [];
    const repaired: { id: string; dropped: string[] }[] = [];
    const newer: string[] = [];
    for (const id of await readdir(this.dir)) {
      const read = RecordStore.validId(id)
        ? await this.#records.read(id).catch((err: unknown) => {
            // A newer wharf's record is kept as it is, neither loaded nor removed.
            if (err instanceof NewerSchemaError) return null;
            return undefined;
          })
        : undefined;
      if (read === null) {
        newer.push(id);
        continue;
      }
      const r = read?.record;
      if (!r || r.id !== id) {
        orphans.push(id);
        continue;
      }
      const dropped = repairRecord(r);
      if (dropped.length) repaired.push({ id, dropped });
      if (read.version < CONTAINER_SCHEMA) await this.#records.put(id, r);
      this.#index(r);
    }
    return { orphans, repaired, newer };
  }

  /** The directory of id's files under the data root. */
  dirOf(id: string): string {
    return join(this.dir, id);
  }

  /**
   * Writes r atomically and indexes it. `durable: false` skips the fsync
   * (for the resource journal, which only has to survive a daemon crash).
   */
  async save(
    r: ContainerRecord,
    options: { durable?: boolean } = {},
  ): Promise<void> {
    await this.#records.put(r.id, r, options);
    this.#index(r);
  }

  /**
   * Reserves name for id. Throws ConflictError with Docker's text when the
   * name is taken by another container.
   */
  reserveName(name: string, id: string): void {
    const other = this.#byName.get(name);
    if (other !== undefined && other !== id)
      throw new ConflictError(
        `Conflict. The container name "${name}" is already in use by container "${other}". You have to remove (or rename) that container to be able to reuse that name.`,
      );
    this.#byName.set(name, id);
  }

  /** Frees a reserved name (if still held by id). */
  releaseName(name: string, id: string): void {
    if (this.#byName.get(name) === id) this.#byName.delete(name);
  }

  /** Deletes id's record and directory; idempotent. */
  async remove(id: string): Promise<void> {
    const r = this.#byId.get(id);
    if (r) this.releaseName(r.name, id);
    this.#byId.delete(id);
    await rm(join(this.dir, id), { recursive: true, force: true });
  }

  /** Every record (live objects: do not mutate outside the lock). */
  all(): ContainerRecord[] {
    return [...this.#byId.values()];
  }

  /** The record with exactly this id, or undefined. */
  get(id: string): ContainerRecord | undefined {
    return this.#byId.get(id);
  }

  /**
   * Resolves a full id, a name (with or without "/") or a unique id prefix,
   * in Docker's order. Throws NotFoundError("No such container: ref").
   */
  resolve(ref: string): ContainerRecord {
    const exact = this.#byId.get(ref);
    if (exact) return exact;
    const byName = this.#byName.get(ref.startsWith("/") ? ref : `/${ref}`);
    if (byName) return this.#byId.get(byName)!;
    if (/^[0-9a-f]+$/.test(ref)) {
      const hits = this.all().filter((r) => r.id.startsWith(ref));
      if (hits.length > 1)
        throw new InvalidArgumentError(
          `multiple IDs found with provided prefix: ${ref}`,
        );
      if (hits[0]) return hits[0];
    }
    throw new NotFoundError(`No such container: ${ref}`);
  }

  #index(r: ContainerRecord): void {
    this.#byId.set(r.id, r);
    this.#byName.set(r.name, r.id);
  }
}
