import { mkdir } from "node:fs/promises";
import type {
  Volume,
  VolumeCreateBody,
  VolumeListResponse,
  VolumePruneResponse,
} from "../../api/volumes.ts";
import type { EventBus } from "../events/index.ts";
import {
  NotFoundError,
  ConflictError,
  errorMessage,
} from "../../util/errors.ts";
import { KeyedLock } from "../../util/lock.ts";
import type { Logger } from "../../util/log.ts";
import { Drivers } from "./drivers.ts";
import { listFilter, pruneFilter } from "./filters.ts";
import {
  describeVolume,
  destroyVolume,
  ensureVolume,
  inUse,
  refsOf,
  type VolumeCore,
  type VolumeRequest,
} from "./records.ts";
import { VolumeStore, type VolumeRecord } from "./store.ts";

export type { VolumeRequest } from "./records.ts";

/**
 * Volumes: Docker's /volumes verbs plus what containers need (acquire,
 * mount, unmount, release). Records live under <data-root>/volumes (see
 * store.ts); the `local` driver keeps data there, plugins elsewhere.
 * References (containers that use a volume, running or not) and active
 * mounts are kept in memory and rebuilt from the container records at
 * start (restoreUsage), so they survive `kill -9` of wharfd.
 */
export class VolumeService {
  #c: VolumeCore;
  #log: Logger;

  constructor(options: {
    root: string;
    events: EventBus;
    log: Logger;
    /** Directories searched for plugin sockets and specs, in order. */
    pluginDirs: string[];
    /** Owner of new local volumes' data (userns-remap's root); root when absent. */
    owner?: { uid: number; gid: number };
  }) {
    this.#c = {
      store: new VolumeStore(options.root),
      events: options.events,
      lock: new KeyedLock(),
      drivers: new Drivers(options.root, options.pluginDirs, options.owner),
      refs: new Map(),
    };
    this.#log = options.log;
  }

  /** Loads the records. Call once before anything else. */
  async init(): Promise<void> {
    await mkdir(this.#c.store.root, { recursive: true, mode: 0o701 });
    await this.#c.store.load();
  }

  /**
   * Rebuilds references and mounts after a start: `users` lists every
   * container's volumes, with whether it runs. Mounts of volumes no running
   * container uses are undone.
   */
  async restoreUsage(
    users: { name: string; containerId: string; running: boolean }[],
  ): Promise<void> {
    this.#c.refs.clear();
    const running = new Map<string, string[]>();
    for (const u of users) {
      refsOf(this.#c, u.name).add(u.containerId);
      if (u.running)
        running.set(u.name, [...(running.get(u.name) ?? []), u.containerId]);
    }
    for (const r of this.#c.store.all())
      await this.#c.drivers
        .get(r.driver)
        .then((d) => d.restoreMounts(r.name, running.get(r.name) ?? []))
        .catch((err: unknown) =>
          this.#log.warn("cannot restore volume mounts", {
            volume: r.name,
            err: errorMessage(err),
          }),
        );
  }

  /**
   * docker volume create. Returns the existing volume when the name is
   * taken by the same driver (Docker's idempotent create). Throws
   * InvalidArgumentError (name, options), NotFoundError (unknown driver),
   * ConflictError (name taken by another driver), Error with the driver's
   * text; a failed create leaves no record.
   */
  async create(body: VolumeCreateBody): Promise<Volume> {
    const r = await ensureVolume(
      this.#c,
      {
        ...(body.Name ? { name: body.Name } : {}),
        driver: body.Driver || "local",
        driverOpts: body.DriverOpts ?? {},
        labels: body.Labels ?? {},
      },
      !body.Name,
    );
    return describeVolume(this.#c, r, {});
  }

  /** docker volume inspect. Throws NotFoundError("get x: no such volume"). */
  async inspect(name: string): Promise<Volume> {
    return describeVolume(this.#c, this.#get(name), { status: true });
  }

  /** docker volume ls. Throws InvalidArgumentError for unknown filters. */
  async list(
    filters: Record<string, string[]> = {},
  ): Promise<VolumeListResponse> {
    const keep = listFilter(filters, (n) => inUse(this.#c, n));
    const out: Volume[] = [];
    for (const r of this.#c.store
      .all()
      .sort((a, b) => (a.name < b.name ? -1 : 1)))
      if (keep(r)) out.push(await describeVolume(this.#c, r, {}));
    return { Volumes: out, Warnings: null };
  }

  /**
   * docker volume rm. Throws NotFoundError (unless force), ConflictError
   * "remove v: volume is in use - [ids]" while any container refers to it;
   * with force a driver failure still drops the record.
   */
  async remove(name: string, options: { force?: boolean } = {}): Promise<void> {
    const r = this.#c.store.get(name);
    if (!r) {
      if (options.force) return;
      throw new NotFoundError(`get ${name}: no such volume`);
    }
    await this.#c.lock.run(name, async () => {
      const refs = [...refsOf(this.#c, name)];
      // compat: Go's %v of a []string: "[id1 id2]".
      if (refs.length)
        throw new ConflictError(
          `remove ${name}: volume is in use - [${refs.join(" ")}]`,
        );
      await destroyVolume(this.#c, r, options.force === true);
    });
  }

  /**
   * docker volume prune: removes volumes no container refers to. From API
   * 1.42 only anonymous ones unless the filter all=true; label filters too.
   */
  async prune(
    filters: Record<string, string[]>,
    options: { version: string },
  ): Promise<VolumePruneResponse> {
    const keep = pruneFilter(filters, options.version);
    const deleted: string[] = [];
    let reclaimed = 0;
    for (const r of this.#c.store.all()) {
      if (inUse(this.#c, r.name) || !keep(r)) continue;
      try {
        const size = await this.#c.drivers
          .get(r.driver)
          .then((d) => d.usage(r.name));
        await this.remove(r.name);
        deleted.push(r.name);
        reclaimed += Math.max(0, size);
      } catch (err) {
        this.#log.warn("prune: cannot remove volume", {
          volume: r.name,
          err: errorMessage(err),
        });
      }
    }
    this.#c.events.publish({
      type: "volume",
      action: "prune",
      id: "",
      attributes: { reclaimed: String(reclaimed) },
    });
    return {
      VolumesDeleted: deleted.length ? deleted : null,
      SpaceReclaimed: reclaimed,
    };
  }

  /** Volumes with UsageData (Size, RefCount) for /system/df. */
  async diskUsage(): Promise<Volume[]> {
    const out: Volume[] = [];
    for (const r of this.#c.store.all())
      out.push(await describeVolume(this.#c, r, { usage: true }));
    return out;
  }

  /**
   * For a container being created: gets or creates the volume and counts
   * the container as a user. Returns the name (generated for anonymous
   * volumes), driver, host path known so far and whether it was just made.
   */
  async acquire(
    req: VolumeRequest,
    containerId: string,
  ): Promise<{
    name: string;
    driver: string;
    source: string;
    created: boolean;
  }> {
    const existed =
      req.name !== undefined && this.#c.store.get(req.name) !== undefined;
    const r = await ensureVolume(this.#c, req, req.name === undefined);
    refsOf(this.#c, r.name).add(containerId);
    const source =
      r.driver === "local" ? await this.#c.drivers.local.path(r.name) : "";
    return { name: r.name, driver: r.driver, source, created: !existed };
  }

  /**
   * Drops a container's reference; with `removeAnonymous` an anonymous
   * volume nobody else uses is removed (rm -v, AutoRemove). Idempotent.
   */
  async release(
    name: string,
    containerId: string,
    options: { removeAnonymous?: boolean } = {},
  ): Promise<void> {
    const refs = this.#c.refs.get(name);
    refs?.delete(containerId);
    const r = this.#c.store.get(name);
    if (!r || !options.removeAnonymous || !r.anonymous || refs?.size) return;
    await this.#c.lock.run(name, () => destroyVolume(this.#c, r, false));
  }

  /**
   * Mounts a volume for a starting container; returns its host path.
   * Publishes Docker's volume mount event. Throws with the driver's text.
   */
  async mount(
    name: string,
    containerId: string,
    meta: { destination: string; rw: boolean; propagation: string },
  ): Promise<string> {
    const r = this.#get(name);
    const path = await this.#c.drivers
      .get(r.driver)
      .then((d) => d.mount(name, containerId));
    this.#c.events.publish({
      type: "volume",
      action: "mount",
      id: name,
      attributes: {
        container: containerId,
        destination: meta.destination,
        driver: r.driver,
        propagation: meta.propagation,
        "read/write": String(meta.rw),
      },
    });
    return path;
  }

  /** Unmounts a volume a stopped container used. Idempotent; never throws for a gone volume. */
  async unmount(name: string, containerId: string): Promise<void> {
    const r = this.#c.store.get(name);
    if (!r) return;
    await this.#c.drivers
      .get(r.driver)
      .then((d) => d.unmount(name, containerId));
    this.#c.events.publish({
      type: "volume",
      action: "unmount",
      id: name,
      attributes: { container: containerId, driver: r.driver },
    });
  }

  #get(name: string): VolumeRecord {
    const r = this.#c.store.get(name);
    if (!r) throw new NotFoundError(`get ${name}: no such volume`);
    return r;
  }
}
