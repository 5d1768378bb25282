import { chown, lstat, mkdir, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { MNT_DETACH, mount, umount } from "../../storage/syscalls.ts";
import {
  InvalidArgumentError,
  errorMessage,
  isErrno,
} from "../../util/errors.ts";
import { readJsonIfExists, writeJsonAtomic } from "../../util/fs.ts";
import type { VolumeDriver } from "./driver.ts";
import { isMountPoint, parseMountOptions } from "./mount-options.ts";

/** The option keys the local driver accepts (moby volume/local). */
const KEYS = new Set(["type", "device", "o"]);

/**
 * The built-in `local` driver. A volume is a directory under the volumes
 * root; with options (type/device/o) the device is mounted over _data while
 * at least one container uses it, as `mount -t <type> -o <o> <device>`:
 *
 * ```
 * <data-root>/volumes/<name>/_data       the data (Mountpoint)
 * <data-root>/volumes/<name>/opts.json   {type, device, o} when given
 * ```
 * Names are checked by the service before they reach this class.
 */
export class LocalDriver implements VolumeDriver {
  readonly name = "local";
  #root: string;
  /** Container ids that have each volume mounted (rebuilt by restoreMounts). */
  #active = new Map<string, Set<string>>();

  #owner: { uid: number; gid: number } | undefined;

  /** `owner`: who new volumes' _data belongs to (the remapped root under userns-remap, as dockerd). */
  constructor(root: string, owner?: { uid: number; gid: number }) {
    this.#root = root;
    this.#owner = owner;
  }

  async scope(): Promise<"local"> {
    return "local";
  }

  /** Throws InvalidArgumentError for unknown keys or options without a device. */
  async create(name: string, opts: Record<string, string>): Promise<void> {
    for (const k of Object.keys(opts))
      if (!KEYS.has(k))
        throw new InvalidArgumentError(`invalid option: "${k}"`);
    if ((opts.type || opts.o) && !opts.device)
      throw new InvalidArgumentError(`missing required option: "device"`);
    if (opts.device && !opts.type && !/(^|,)r?bind(,|$)/.test(opts.o ?? ""))
      throw new InvalidArgumentError(`missing required option: "type"`);
    await mkdir(this.#data(name), { recursive: true, mode: 0o755 });
    if (this.#owner)
      await chown(this.#data(name), this.#owner.uid, this.#owner.gid);
    if (Object.keys(opts).length)
      await writeJsonAtomic(join(this.#root, name, "opts.json"), opts);
  }

  async remove(name: string): Promise<void> {
    if (await isMountPoint(this.#data(name)))
      umount(this.#data(name), MNT_DETACH);
    await rm(join(this.#root, name, "_data"), { recursive: true, force: true });
    await rm(join(this.#root, name, "opts.json"), { force: true });
  }

  async mount(name: string, id: string): Promise<string> {
    const users = this.#active.get(name) ?? new Set<string>();
    const opts = await this.#opts(name);
    if (opts && users.size === 0 && !(await isMountPoint(this.#data(name)))) {
      const { flags, data } = parseMountOptions(opts.o ?? "");
      try {
        mount({
          source: opts.device ?? "",
          target: this.#data(name),
          type: opts.type || "none",
          flags,
          data,
        });
      } catch (err) {
        throw new Error(`failed to mount local volume: ${errorMessage(err)}`);
      }
    }
    users.add(id);
    this.#active.set(name, users);
    return this.#data(name);
  }

  async unmount(name: string, id: string): Promise<void> {
    const users = this.#active.get(name);
    users?.delete(id);
    if (users?.size) return;
    this.#active.delete(name);
    if ((await this.#opts(name)) && (await isMountPoint(this.#data(name))))
      umount(this.#data(name), MNT_DETACH);
  }

  /**
   * After a restart: `ids` are the running containers using the volume.
   * Mounts or unmounts so the kernel's state matches them.
   */
  async restoreMounts(name: string, ids: string[]): Promise<void> {
    this.#active.delete(name);
    if (ids.length === 0) {
      if ((await this.#opts(name)) && (await isMountPoint(this.#data(name))))
        umount(this.#data(name), MNT_DETACH);
      return;
    }
    for (const id of ids) await this.mount(name, id);
  }

  async path(name: string): Promise<string> {
    return this.#data(name);
  }

  async status(): Promise<undefined> {
    return undefined;
  }

  /** Bytes of the files under _data (hard links counted once), as Docker's df. */
  async usage(name: string): Promise<number> {
    return dirSize(this.#data(name), new Set());
  }

  #data(name: string): string {
    return join(this.#root, name, "_data");
  }

  async #opts(name: string): Promise<Record<string, string> | undefined> {
    return readJsonIfExists(join(this.#root, name, "opts.json"));
  }
}

async function dirSize(dir: string, seen: Set<string>): Promise<number> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (err) {
    if (isErrno(err, "ENOENT") || isErrno(err, "EACCES")) return 0;
    throw err;
  }
  let total = 0;
  for (const e of entries) {
    const p = join(dir, e);
    const st = await lstat(p).catch(() => undefined);
    if (!st) continue;
    if (st.isDirectory()) total += await dirSize(p, seen);
    else {
      const key = `${st.dev}:${st.ino}`;
      if (seen.has(key)) continue;
      seen.add(key);
      total += st.size;
    }
  }
  return total;
}
