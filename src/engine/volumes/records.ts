import type { Volume } from "../../api/volumes.ts";
import type { EventBus } from "../events/index.ts";
import { ConflictError } from "../../util/errors.ts";
import { newId } from "../../util/ids.ts";
import type { KeyedLock } from "../../util/lock.ts";
import { prefixed, type Drivers } from "./drivers.ts";
import { checkVolumeName } from "./names.ts";
import type { VolumeStore, VolumeRecord } from "./store.ts";
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
 * What the volume verbs share; built once by VolumeService. `refs` maps a
 * volume name to the ids of the containers that use it (in memory only).
 */
export type VolumeCore = {
  store: VolumeStore;
  events: EventBus;
  lock: KeyedLock;
  drivers: Drivers;
  refs: Map<string, Set<string>>;
};

/** The users of a volume, made on first use. */
export function refsOf(c: VolumeCore, name: string): Set<string> {
  let s = c.refs.get(name);
  if (!s) c.refs.set(name, (s = new Set()));
  return s;
}

/** Whether any container refers to the volume. */
export function inUse(c: VolumeCore, name: string): boolean {
  return (c.refs.get(name)?.size ?? 0) > 0;
}

/**
 * Gets the volume req names, or creates it under its lock (driver, then
 * record; a failure undoes both). Throws ConflictError when the name is
 * taken with another driver, and driver errors prefixed "create <name>: ".
 */
export async function ensureVolume(
  c: VolumeCore,
  req: VolumeRequest,
  anonymous: boolean,
): Promise<VolumeRecord> {
  const name = req.name ?? newId();
  checkVolumeName(name);
  const driverName = req.driver || "local";
  return c.lock.run(name, async () => {
    const old = c.store.get(name);
    if (old) {
      if (req.driver && old.driver !== driverName)
        throw new ConflictError(
          `create ${name}: a volume with the name ${name} already exists with driver "${old.driver}"`,
        );
      return old;
    }
    const driver = await c.drivers.get(driverName).catch((err: unknown) => {
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
      await c.store.save(r);
    } catch (err) {
      await driver.remove(name).catch(() => undefined);
      await c.store.remove(name).catch(() => undefined);
      await c.store.removeDir(name).catch(() => undefined);
      throw prefixed(err, `create ${name}: `);
    }
    c.events.publish({
      type: "volume",
      action: "create",
      id: name,
      attributes: { driver: driverName },
    });
    return r;
  });
}

/**
 * Removes a volume's storage and record (call with its lock held). With
 * force a driver failure still drops the record; without, it throws
 * prefixed "remove <name>: ".
 */
export async function destroyVolume(
  c: VolumeCore,
  r: VolumeRecord,
  force: boolean,
): Promise<void> {
  const driver = await c.drivers.get(r.driver).catch((err: unknown) => {
    if (!force) throw prefixed(err, `remove ${r.name}: `);
    return undefined;
  });
  try {
    await driver?.remove(r.name);
  } catch (err) {
    if (!force) throw prefixed(err, `remove ${r.name}: `);
  }
  await c.store.remove(r.name);
  await c.store.removeDir(r.name);
  c.refs.delete(r.name);
  c.events.publish({
    type: "volume",
    action: "destroy",
    id: r.name,
    attributes: { driver: r.driver },
  });
}

/** The wire JSON of a volume, asking its driver for the mountpoint (and status/usage when wanted). */
export async function describeVolume(
  c: VolumeCore,
  r: VolumeRecord,
  want: { status?: boolean; usage?: boolean },
): Promise<Volume> {
  const driver = await c.drivers.get(r.driver).catch(() => undefined);
  const mountpoint = driver ? await driver.path(r.name).catch(() => "") : "";
  const status = want.status
    ? await driver?.status(r.name).catch(() => undefined)
    : undefined;
  const usage = want.usage
    ? {
        Size: driver ? await driver.usage(r.name).catch(() => -1) : -1,
        RefCount: c.refs.get(r.name)?.size ?? 0,
      }
    : undefined;
  return volumeView(r, {
    mountpoint,
    scope: driver ? await driver.scope() : "local",
    ...(status ? { status } : {}),
    ...(usage ? { usage } : {}),
  });
}
