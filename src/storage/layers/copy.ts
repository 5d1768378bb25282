import { mkdir, readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import type { Mount } from "../../oci/mount.ts";
import { ConflictError, NotImplementedError } from "../../util/errors.ts";
import { execFile } from "../../util/exec.ts";
import { changesBetween, changesTar } from "../archive/diff.ts";
import type {
  LayerStore,
  DiffOptions,
  MountOptions,
  SnapshotInfo,
  SnapshotPaths,
} from "./layer-store.ts";
import { DirLayerStore } from "./dir-store.ts";
import { readInfo, snapshotDirName, writeInfo } from "./snapshot-dir.ts";

/**
 * LayerStore by full copies (Docker's vfs driver): every snapshot holds a
 * complete tree copied from its parent, so no mounts and no root are needed.
 * Slow and disk-hungry; the fallback where overlayfs is missing, and the
 * fake for tests. mount() returns the tree itself.
 *
 * ```
 * <root>/                   (<data-root>/vfs)
 *   <dir>/snapshot.json     SnapshotInfo
 *   <dir>/fs/               the full tree
 *   .tmp-*                  half-made snapshots, swept by init()
 * ```
 */
export class CopyLayerStore extends DirLayerStore implements LayerStore {
  protected readonly filesDir = "fs";
  protected readonly whiteouts = "delete" as const;
  readonly driver = "vfs";

  async init(): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: 0o700 });
    for (const name of await readdir(this.root)) {
      const dir = join(this.root, name);
      if (name.startsWith(".tmp-"))
        await rm(dir, { recursive: true, force: true });
      else {
        const info = await readInfo(dir);
        if (info && snapshotDirName(info.name) !== name)
          await rename(dir, this.dir(info.name));
      }
    }
  }

  protected async create(info: SnapshotInfo): Promise<void> {
    const { name: key, parent } = info;
    const tmp = this.tmpPath();
    await mkdir(tmp);
    if (parent !== undefined) {
      // cp -a keeps owners, modes, times, links and devices; Node's fs.cp does not.
      const r = await execFile("cp", [
        "-a",
        join(this.dir(parent), "fs"),
        join(tmp, "fs"),
      ]);
      if (r.code !== 0)
        throw new Error(`copy snapshot ${parent}: ${r.stderr.trim()}`);
    } else await mkdir(join(tmp, "fs"), { mode: 0o755 });
    await writeInfo(tmp, info);
    await rename(tmp, this.dir(key));
  }

  async mounts(key: string): Promise<Mount[]> {
    const info = await this.need(key);
    if (info.kind === "committed")
      throw new ConflictError(
        `snapshot ${key}: committed snapshots have no mounts`,
      );
    const ro = info.kind === "view" ? "ro" : "rw";
    return [
      {
        type: "bind",
        source: join(this.dir(key), "fs"),
        options: ["rbind", ro],
      },
    ];
  }

  protected async seal(key: string, committed: SnapshotInfo): Promise<void> {
    const dir = this.dir(key);
    await writeInfo(dir, committed);
    await rename(dir, this.dir(committed.name));
  }

  protected async discard(key: string): Promise<void> {
    const tmp = this.tmpPath();
    await rename(this.dir(key), tmp);
    await rm(tmp, { recursive: true, force: true });
  }

  async diff(key: string, options: DiffOptions = {}): Promise<Readable> {
    const info = await this.need(key);
    const fs = join(this.dir(key), "fs");
    const parentFs =
      info.parent === undefined ? undefined : join(this.dir(info.parent), "fs");
    const skip = options.skip;
    const changes = await changesBetween(parentFs, fs);
    return changesTar(
      fs,
      skip ? changes.filter((c) => !skip(`/${c.path}`)) : changes,
    );
  }

  async mount(key: string, options: MountOptions = {}): Promise<string> {
    if (options.idmap)
      throw new NotImplementedError(
        "not implemented: user namespace remapping on the vfs storage driver (needs overlay2)",
      );
    await this.mounts(key);
    return join(this.dir(key), "fs");
  }

  async unmount(key: string): Promise<void> {
    await this.need(key).catch(() => undefined);
  }

  async isMounted(_key: string): Promise<boolean> {
    return false;
  }

  async paths(key: string): Promise<SnapshotPaths> {
    const info = await this.need(key);
    const fs = join(this.dir(key), "fs");
    const lowerDir =
      info.parent === undefined ? "" : join(this.dir(info.parent), "fs");
    return { lowerDir, upperDir: fs, workDir: "", mergedDir: fs };
  }
}
