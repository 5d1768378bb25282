import { mkdir, stat } from "node:fs/promises";
import type { MountPoint } from "../../api/containers.ts";
import type { OciMount } from "../../runtime/index.ts";
import { resolveDirInRoot } from "../../storage/archive/scoped-path.ts";
import {
  errorMessage,
  isErrno,
  InvalidArgumentError,
  NotImplementedError,
} from "../../util/errors.ts";
import type { Logger } from "../../util/log.ts";
import { copyUp, type VolumeRequest } from "../volumes/index.ts";
import type { ContainerMounts } from "./deps.ts";
import {
  explicitMounts,
  parseVolumesFrom,
  type MountRequest,
} from "./mount-specs.ts";
import type { ContainerRecord } from "./record.ts";

/** What container mounts need from the volumes engine (VolumeService). */
export interface VolumeProvider {
  acquire(
    req: VolumeRequest,
    containerId: string,
  ): Promise<{ name: string; driver: string; source: string }>;
  release(
    name: string,
    containerId: string,
    options?: { removeAnonymous?: boolean },
  ): Promise<void>;
  mount(
    name: string,
    containerId: string,
    meta: { destination: string; rw: boolean; propagation: string },
  ): Promise<string>;
  unmount(name: string, containerId: string): Promise<void>;
  restoreUsage(
    users: { name: string; containerId: string; running: boolean }[],
  ): Promise<void>;
}

/**
 * Binds, volumes and tmpfs for containers, over a VolumeProvider. At
 * create the HostConfig (Binds, Mounts, Tmpfs, VolumesFrom) and the image's
 * Config.Volumes become r.mounts (inspect's Mounts; --tmpfs entries are
 * not listed there, as in Docker); at start volumes are mounted, empty
 * ones filled from the image (copy-up) and OCI mounts returned; at stop
 * they are unmounted; at rm references are dropped and, with -v or
 * AutoRemove, anonymous volumes removed.
 */
export class VolumeMounts implements ContainerMounts {
  #volumes: VolumeProvider;
  #resolve: (ref: string) => ContainerRecord;
  #log: Logger;
  /** Container id → volume names it has mounted (rebuilt by restore). */
  #mounted = new Map<string, string[]>();

  constructor(options: {
    volumes: VolumeProvider;
    resolveContainer: (ref: string) => ContainerRecord;
    log: Logger;
  }) {
    this.#volumes = options.volumes;
    this.#resolve = options.resolveContainer;
    this.#log = options.log;
  }

  async restore(
    records: ContainerRecord[],
    running: (r: ContainerRecord) => boolean,
  ): Promise<void> {
    const users: { name: string; containerId: string; running: boolean }[] = [];
    for (const r of records)
      for (const m of r.mounts ?? [])
        if (m.Type === "volume" && m.Name) {
          users.push({ name: m.Name, containerId: r.id, running: running(r) });
          if (running(r))
            this.#mounted.set(r.id, [
              ...(this.#mounted.get(r.id) ?? []),
              m.Name,
            ]);
        }
    await this.#volumes.restoreUsage(users);
  }

  async resolve(r: ContainerRecord): Promise<void> {
    const taken: string[] = [];
    const out: MountPoint[] = [];
    try {
      const explicit = explicitMounts(r.hostConfig);
      for (const m of explicit) {
        const mp = await this.#resolveOne(m, r.id, taken);
        if (mp) out.push(mp);
      }
      const used = new Set(explicit.map((m) => m.destination));
      for (const spec of volumesFrom(r)) {
        const { ref, rw } = parseVolumesFrom(spec);
        const from = this.#resolve(ref);
        for (const m of from.mounts ?? []) {
          if (m.Type === "tmpfs" || used.has(m.Destination)) continue;
          used.add(m.Destination);
          if (m.Type === "volume" && m.Name) {
            await this.#volumes.acquire(
              { name: m.Name, driver: m.Driver ?? "local" },
              r.id,
            );
            taken.push(m.Name);
          }
          out.push({ ...m, RW: rw ?? m.RW });
        }
      }
      for (const dest of Object.keys(r.config.Volumes ?? {})) {
        const req = parseImageVolume(dest);
        if (used.has(req.destination)) continue;
        used.add(req.destination);
        const mp = await this.#resolveOne(req, r.id, taken);
        if (mp) out.push(mp);
      }
    } catch (err) {
      for (const name of taken)
        await this.#volumes
          .release(name, r.id, { removeAnonymous: true })
          .catch(() => undefined);
      throw err;
    }
    if (out.length) r.mounts = out;
  }

  async prepare(r: ContainerRecord, rootfs: string): Promise<OciMount[]> {
    const extras = new Map(
      explicitMounts(r.hostConfig).map((m) => [m.destination, m]),
    );
    const oci: OciMount[] = [];
    const names: string[] = [];
    this.#mounted.set(r.id, names);
    try {
      for (const m of r.mounts ?? []) {
        const extra = extras.get(m.Destination);
        if (m.Type === "bind") {
          await checkBindSource(
            m.Source,
            extra?.type === "bind" && extra.createSource,
          );
          const recursive = extra?.type !== "bind" || extra.recursive;
          oci.push(bindMount(m, m.Source, recursive));
        } else if (m.Type === "volume" && m.Name) {
          const path = await this.#volumes.mount(m.Name, r.id, {
            destination: m.Destination,
            rw: m.RW,
            propagation: m.Propagation,
          });
          names.push(m.Name);
          m.Source = path;
          const copy = extra
            ? extra.type === "volume" && extra.copy
            : !fromOther(r, m);
          if (copy) await copyImageContent(rootfs, m.Destination, path);
          oci.push(bindMount(m, path, true));
        }
      }
      for (const m of extras.values())
        if (m.type === "tmpfs")
          oci.push({
            destination: m.destination,
            type: "tmpfs",
            source: "tmpfs",
            options: [...m.options, m.rw ? "rw" : "ro"],
          });
    } catch (err) {
      await this.release(r);
      throw err;
    }
    return oci;
  }

  async release(r: ContainerRecord): Promise<void> {
    const names = this.#mounted.get(r.id) ?? [];
    this.#mounted.delete(r.id);
    for (const name of names)
      await this.#volumes.unmount(name, r.id).catch((err: unknown) =>
        this.#log.warn("cannot unmount volume", {
          volume: name,
          id: r.id,
          err: errorMessage(err),
        }),
      );
  }

  async remove(
    r: ContainerRecord,
    options: { removeVolumes: boolean },
  ): Promise<void> {
    await this.release(r);
    for (const m of r.mounts ?? [])
      if (m.Type === "volume" && m.Name)
        await this.#volumes
          .release(m.Name, r.id, { removeAnonymous: options.removeVolumes })
          .catch((err: unknown) =>
            this.#log.warn("cannot remove volume", {
              volume: m.Name,
              err: errorMessage(err),
            }),
          );
  }

  async #resolveOne(
    m: MountRequest,
    id: string,
    taken: string[],
  ): Promise<MountPoint | undefined> {
    if (m.type === "bind") {
      await checkBindSource(m.source, m.createSource);
      return {
        Type: "bind",
        Source: m.source,
        Destination: m.destination,
        Mode: m.mode,
        RW: m.rw,
        Propagation: m.propagation,
      };
    }
    if (m.type === "tmpfs") return undefined;
    const v = await this.#volumes.acquire(
      {
        ...(m.name !== undefined ? { name: m.name } : {}),
        ...(m.driver !== undefined ? { driver: m.driver } : {}),
        driverOpts: m.driverOpts,
        labels: m.labels,
      },
      id,
    );
    taken.push(v.name);
    return {
      Type: "volume",
      Name: v.name,
      Source: v.source,
      Destination: m.destination,
      Driver: v.driver,
      Mode: m.mode,
      RW: m.rw,
      Propagation: "",
    };
  }
}

function volumesFrom(r: ContainerRecord): string[] {
  const v = r.hostConfig.VolumesFrom;
  return Array.isArray(v) ? v.map(String) : [];
}

function parseImageVolume(dest: string): MountRequest {
  if (!dest.startsWith("/"))
    throw new InvalidArgumentError(
      `invalid mount config for type "volume": invalid mount path: '${dest}' mount path must be absolute`,
    );
  return {
    type: "volume",
    name: undefined,
    destination: dest.length > 1 ? dest.replace(/\/+$/, "") : dest,
    rw: true,
    mode: "",
    driver: undefined,
    driverOpts: {},
    labels: {},
    copy: true,
  };
}

/** True when a volume mount came from --volumes-from (no copy-up then). */
function fromOther(r: ContainerRecord, m: MountPoint): boolean {
  return !Object.keys(r.config.Volumes ?? {}).some(
    (d) => d.replace(/(.)\/+$/, "$1") === m.Destination,
  );
}

/** -v creates a missing host directory; --mount refuses it (Docker's text). */
async function checkBindSource(source: string, create: boolean): Promise<void> {
  try {
    await stat(source);
  } catch (err) {
    if (!isErrno(err, "ENOENT")) throw err;
    if (!create)
      throw new InvalidArgumentError(
        `invalid mount config for type "bind": bind source path does not exist: ${source}`,
      );
    await mkdir(source, { recursive: true, mode: 0o755 });
  }
}

function bindMount(
  m: MountPoint,
  source: string,
  recursive: boolean,
): OciMount {
  return {
    destination: m.Destination,
    type: "bind",
    source,
    options: [
      recursive ? "rbind" : "bind",
      m.Propagation || "rprivate",
      m.RW ? "rw" : "ro",
    ],
  };
}

/** Copy-up from the image, resolving the destination inside the rootfs only. */
async function copyImageContent(
  rootfs: string,
  destination: string,
  volume: string,
): Promise<void> {
  let source: string;
  try {
    source = await resolveDirInRoot(rootfs, destination.split("/"), {
      create: false,
    });
  } catch {
    return; // nothing (or no directory) at that path in the image
  }
  await copyUp(source, volume);
}

/**
 * The mounts hook without a volumes engine (unit and service tests):
 * refuses binds, volumes and tmpfs with 501 and ignores image volumes.
 */
export class NoMounts implements ContainerMounts {
  async restore(): Promise<void> {}

  async resolve(r: ContainerRecord): Promise<void> {
    if (explicitMounts(r.hostConfig).length || volumesFrom(r).length)
      throw new NotImplementedError(
        "not implemented: mounts need the volumes engine",
      );
  }

  async prepare(): Promise<OciMount[]> {
    return [];
  }

  async release(): Promise<void> {}

  async remove(): Promise<void> {}
}
