import { mkdir } from "node:fs/promises";
import type {
  Volume,
  VolumeCreateBody,
  VolumeListResponse,
  VolumePruneResponse,
} from "../../api/volumes.ts";
import type { EventBus } from "../events/index.ts";
import {
  ConflictError,
  NotFoundError,
  errorMessage,
} from "../../util/errors.ts";
import { KeyedLock } from "../../util/lock.ts";
import type { Logger } from "../../util/log.ts";
import { newId } from "../../util/ids.ts";
import type { VolumeDriver } from "./driver.ts";
import { listFilter, pruneFilter } from "./filters.ts";
import { LocalDriver } from "./local-driver.ts";
import { checkDriverName, checkVolumeName } from "./names.ts";
import { activatePlugin } from "./plugins/plugin-driver.ts";
import { PluginDiscovery } from "./plugins/discovery.ts";
import { VolumeStore, type VolumeRecord } from "./store.ts";
import { ANONYMOUS_LABEL, volumeView } from "./view.ts";

/** What a container asks for when it names (or implies) a volume. */
export type VolumeRequest = {
  /** Undefined for an anonymous volume (a 64-hex name is generated). */
  name?: string;
  driver?: string;
  driverOpts?: Record<string, string>;
  labels?: Record<string, string>;
};

/**
 * Volumes: Docker's /volumes verbs plus what containers need (acquire,
 * mount, unmount, release). Records live under <data-root>/volumes (see
 * store.ts); the `local` driver keeps data there, plugins elsewhere.
 * References (containers that use a volume, running or not) and active
 * mounts are kept in memory and rebuilt from the container records at
 * start (restoreUsage), so they survive `kill -9` of wharfd.
 */
export class VolumeService {
  #store: VolumeStore;
  #events: EventBus;
  #log: Logger;
  #local: LocalDriver;
  #discovery: PluginDiscovery;
  #plugins = new Map<string, VolumeDriver>();
  #refs = new Map<string, Set<string>>();
  #lock = new KeyedLock();

  constructor(options: {
    root: string;
    events: EventBus;
    log: Logger;
    /** Directories searched for plugin sockets and specs, in order. */
    pluginDirs: string[];
  }) {
    this.#store = new VolumeStore(options.root);
    this.#events = options.events;
    this.#log = options.log;
    this.#local = new LocalDriver(options.root);
    this.#discovery = new PluginDiscovery(options.pluginDirs);
  }

  /** Loads the records. Call once before anything else. */
  async init(): Promise<void> {
    await mkdir(this.#store.root, { recursive: true, mode: 0o701 });
    await this.#store.load();
  }

  /**
   * Rebuilds references and mounts after a start: `users` lists every
   * container's volumes, with whether it runs. Mounts of volumes no running
   * container uses are undone.
   */
  async restoreUsage(
    users: { name: string; containerId: string; running: boolean }[],
  ): Promise<void> {
    this.#refs.clear();
    const running = new Map<string, string[]>();
    for (const u of users) {
      this.#refsOf(u.name).add(u.containerId);
      if (u.running)
        running.set(u.name, [...(running.get(u.name) ?? []), u.containerId]);
    }
    for (const r of this.#store.all())
      await this.#driver(r.driver)
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
    const r = await this.#ensure(
      {
        ...(body.Name ? { name: body.Name } : {}),
        driver: body.Driver || "local",
        driverOpts: body.DriverOpts ?? {},
        labels: body.Labels ?? {},
      },
      !body.Name,
    );
    return this.#view(r, {});
  }

  /** docker volume inspect. Throws NotFoundError("get x: no such volume"). */
  async inspect(name: string): Promise<Volume> {
    return this.#view(this.#get(name), { status: true });
  }

  /** docker volume ls. Throws InvalidArgumentError for unknown filters. */
  async list(
    filters: Record<string, string[]> = {},
  ): Promise<VolumeListResponse> {
    const keep = listFilter(filters, (n) => this.#inUse(n));
    const out: Volume[] = [];
    for (const r of this.#store
      .all()
      .sort((a, b) => (a.name < b.name ? -1 : 1)))
      if (keep(r)) out.push(await this.#view(r, {}));
    return { Volumes: out, Warnings: null };
  }

  /**
   * docker volume rm. Throws NotFoundError (unless force), ConflictError
   * "remove v: volume is in use - [ids]" while any container refers to it;
   * with force a driver failure still drops the record.
   */
  async remove(name: string, options: { force?: boolean } = {}): Promise<void> {
    const r = this.#store.get(name);
    if (!r) {
      if (options.force) return;
      throw new NotFoundError(`get ${name}: no such volume`);
    }
    await this.#lock.run(name, async () => {
      const refs = [...this.#refsOf(name)];
      // compat: Go's %v of a []string: "[id1 id2]".
      if (refs.length)
        throw new ConflictError(
          `remove ${name}: volume is in use - [${refs.join(" ")}]`,
        );
      await this.#destroy(r, options.force === true);
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
    for (const r of this.#store.all()) {
      if (this.#inUse(r.name) || !keep(r)) continue;
      try {
        const size = await this.#driver(r.driver).then((d) => d.usage(r.name));
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
    this.#events.publish({
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
    for (const r of this.#store.all())
      out.push(await this.#view(r, { usage: true }));
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
      req.name !== undefined && this.#store.get(req.name) !== undefined;
    const r = await this.#ensure(req, req.name === undefined);
    this.#refsOf(r.name).add(containerId);
    const source = r.driver === "local" ? await this.#local.path(r.name) : "";
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
    const refs = this.#refs.get(name);
    refs?.delete(containerId);
    const r = this.#store.get(name);
    if (!r || !options.removeAnonymous || !r.anonymous || refs?.size) return;
    await this.#lock.run(name, () => this.#destroy(r, false));
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
    const path = await this.#driver(r.driver).then((d) =>
      d.mount(name, containerId),
    );
    this.#events.publish({
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
    const r = this.#store.get(name);
    if (!r) return;
    await this.#driver(r.driver).then((d) => d.unmount(name, containerId));
    this.#events.publish({
      type: "volume",
      action: "unmount",
      id: name,
      attributes: { container: containerId, driver: r.driver },
    });
  }

  async #ensure(req: VolumeRequest, anonymous: boolean): Promise<VolumeRecord> {
    const name = req.name ?? newId();
    checkVolumeName(name);
    const driverName = req.driver || "local";
    return this.#lock.run(name, async () => {
      const old = this.#store.get(name);
      if (old) {
        if (req.driver && old.driver !== driverName)
          throw new ConflictError(
            `create ${name}: a volume with the name ${name} already exists with driver "${old.driver}"`,
          );
        return old;
      }
      const driver = await this.#driver(driverName).catch((err: unknown) => {
        throw prefixed(err, `create ${name}: `);
      });
      const labels = { ...(req.labels ?? {}) };
      if (anonymous) labels[ANONYMOUS_LABEL] = "";
      const r: VolumeRecord = {
        schema: 1,
        name,
        driver: driverName,
        labels,
        options: req.driverOpts ?? {},
        createdAt: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
        anonymous,
      };
      try {
        await driver.create(name, r.options);
        await this.#store.save(r);
      } catch (err) {
        await driver.remove(name).catch(() => undefined);
        await this.#store.remove(name).catch(() => undefined);
        await this.#store.removeDir(name).catch(() => undefined);
        throw prefixed(err, `create ${name}: `);
      }
      this.#events.publish({
        type: "volume",
        action: "create",
        id: name,
        attributes: { driver: driverName },
      });
      return r;
    });
  }

  async #destroy(r: VolumeRecord, force: boolean): Promise<void> {
    const driver = await this.#driver(r.driver).catch((err: unknown) => {
      if (!force) throw prefixed(err, `remove ${r.name}: `);
      return undefined;
    });
    try {
      await driver?.remove(r.name);
    } catch (err) {
      if (!force) throw prefixed(err, `remove ${r.name}: `);
    }
    await this.#store.remove(r.name);
    await this.#store.removeDir(r.name);
    this.#refs.delete(r.name);
    this.#events.publish({
      type: "volume",
      action: "destroy",
      id: r.name,
      attributes: { driver: r.driver },
    });
  }

  /** The driver by name: local, or a plugin found and activated once. */
  async #driver(name: string): Promise<VolumeDriver> {
    if (name === "local") return this.#local;
    checkDriverName(name);
    const cached = this.#plugins.get(name);
    if (cached) return cached;
    const address = await this.#discovery.find(name);
    if (!address)
      throw new NotFoundError(
        `error looking up volume plugin ${name}: plugin "${name}" not found`,
      );
    const driver = await activatePlugin(name, address);
    this.#plugins.set(name, driver);
    return driver;
  }

  #get(name: string): VolumeRecord {
    const r = this.#store.get(name);
    if (!r) throw new NotFoundError(`get ${name}: no such volume`);
    return r;
  }

  #refsOf(name: string): Set<string> {
    let s = this.#refs.get(name);
    if (!s) this.#refs.set(name, (s = new Set()));
    return s;
  }

  #inUse(name: string): boolean {
    return (this.#refs.get(name)?.size ?? 0) > 0;
  }

  async #view(
    r: VolumeRecord,
    want: { status?: boolean; usage?: boolean },
  ): Promise<Volume> {
    const driver = await this.#driver(r.driver).catch(() => undefined);
    const mountpoint = driver ? await driver.path(r.name).catch(() => "") : "";
    const status = want.status
      ? await driver?.status(r.name).catch(() => undefined)
      : undefined;
    const usage = want.usage
      ? {
          Size: driver ? await driver.usage(r.name).catch(() => -1) : -1,
          RefCount: this.#refs.get(r.name)?.size ?? 0,
        }
      : undefined;
    return volumeView(r, {
      mountpoint,
      scope: driver ? await driver.scope() : "local",
      ...(status ? { status } : {}),
      ...(usage ? { usage } : {}),
    });
  }
}

function prefixed(err: unknown, prefix: string): Error {
  if (err instanceof Error) {
    if (!err.message.startsWith(prefix)) err.message = prefix + err.message;
    return err;
  }
  return new Error(prefix + String(err));
}
