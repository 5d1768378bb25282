import { mkdir, readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import type { Mount } from "../../oci/mount.ts";
import { ConflictError, NotFoundError } from "../../util/errors.ts";
import { execFile } from "../../util/exec.ts";
import { applyTar } from "../archive/apply.ts";
import { changesBetween, changesTar } from "../archive/diff.ts";
import type {
  DiffOptions,
  LayerStore,
  SnapshotInfo,
  SnapshotPaths,
  Usage,
} from "./layer-store.ts";
import {
  readInfo,
  snapshotDirName,
  treeUsage,
  writeInfo,
} from "./snapshot-dir.ts";

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
export class CopyLayerStore implements LayerStore {
  readonly driver = "vfs";
  readonly root: string;

  constructor(options: { root: string }) {
    this.root = options.root;
  }

  async init(): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: 0o700 });
    for (const name of await readdir(this.root)) {
      const dir = join(this.root, name);
      if (name.startsWith(".tmp-"))
        await rm(dir, { recursive: true, force: true });
      else {
        const info = await readInfo(dir);
        if (info && snapshotDirName(info.name) !== name)
          await rename(dir, this.#dir(info.name));
      }
    }
  }

  #dir(key: string): string {
    return join(this.root, snapshotDirName(key));
  }

  async prepare(
    key: string,
    options: { parent?: string; labels?: Record<string, string> },
  ): Promise<Mount[]> {
    await this.#create(key, "active", options.parent, options.labels ?? {});
    return this.mounts(key);
  }

  async view(key: string, options: { parent?: string }): Promise<Mount[]> {
    await this.#create(key, "view", options.parent, {});
    return this.mounts(key);
  }

  async #create(
    key: string,
    kind: "active" | "view",
    parent: string | undefined,
    labels: Record<string, string>,
  ): Promise<void> {
    const dir = this.#dir(key);
    if (await readInfo(dir))
      throw new ConflictError(`snapshot ${key}: already exists`);
    const tmp = join(this.root, `.tmp-${randomBytes(8).toString("hex")}`);
    await mkdir(tmp);
    if (parent !== undefined) {
      const p = await this.stat(parent);
      if (!p || p.kind !== "committed")
        throw new NotFoundError(`parent snapshot ${parent}: not found`);
      // cp -a keeps owners, modes, times, links and devices; Node's fs.cp does not.
      const r = await execFile("cp", [
        "-a",
        join(this.#dir(parent), "fs"),
        join(tmp, "fs"),
      ]);
      if (r.code !== 0)
        throw new Error(`copy snapshot ${parent}: ${r.stderr.trim()}`);
    } else await mkdir(join(tmp, "fs"), { mode: 0o755 });
    const info: SnapshotInfo = {
      name: key,
      kind,
      created: new Date().toISOString(),
      labels,
    };
    if (parent !== undefined) info.parent = parent;
    await writeInfo(tmp, info);
    await rename(tmp, dir);
  }

  async mounts(key: string): Promise<Mount[]> {
    const info = await this.#need(key);
    if (info.kind === "committed")
      throw new ConflictError(
        `snapshot ${key}: committed snapshots have no mounts`,
      );
    const ro = info.kind === "view" ? "ro" : "rw";
    return [
      {
        type: "bind",
        source: join(this.#dir(key), "fs"),
        options: ["rbind", ro],
      },
    ];
  }

  async commit(
    name: string,
    key: string,
    options: { labels?: Record<string, string> } = {},
  ): Promise<void> {
    const info = await this.#need(key);
    if (info.kind !== "active")
      throw new ConflictError(`snapshot ${key}: not active`);
    if (await this.stat(name))
      throw new ConflictError(`snapshot ${name}: already exists`);
    const dir = this.#dir(key);
    const labels = { ...info.labels, ...options.labels };
    await writeInfo(dir, {
      ...info,
      name,
      kind: "committed",
      created: new Date().toISOString(),
      labels,
    });
    await rename(dir, this.#dir(name));
  }

  async remove(key: string): Promise<void> {
    const info = await this.stat(key);
    if (!info) return;
    if (info.kind === "committed")
      for (const s of await this.list())
        if (s.parent === key)
          throw new ConflictError(`snapshot ${key}: has children (${s.name})`);
    const tmp = join(this.root, `.tmp-${randomBytes(8).toString("hex")}`);
    await rename(this.#dir(key), tmp);
    await rm(tmp, { recursive: true, force: true });
  }

  async stat(key: string): Promise<SnapshotInfo | undefined> {
    return readInfo(this.#dir(key));
  }

  async list(): Promise<SnapshotInfo[]> {
    const out: SnapshotInfo[] = [];
    for (const name of await readdir(this.root)) {
      if (name.startsWith(".")) continue;
      const info = await readInfo(join(this.root, name));
      if (info) out.push(info);
    }
    return out;
  }

  /** The whole tree's use: a copy store cannot tell its own bytes from its parent's. */
  async usage(key: string): Promise<Usage> {
    await this.#need(key);
    return treeUsage(join(this.#dir(key), "fs"));
  }

  async apply(
    key: string,
    tar: Readable,
    options: { tee?: (chunk: Buffer) => Promise<void> } = {},
  ) {
    const info = await this.#need(key);
    if (info.kind !== "active")
      throw new ConflictError(`snapshot ${key}: not active`);
    return applyTar(tar, join(this.#dir(key), "fs"), {
      whiteouts: "delete",
      ...options,
    });
  }

  async diff(key: string, options: DiffOptions = {}): Promise<Readable> {
    const info = await this.#need(key);
    const fs = join(this.#dir(key), "fs");
    const parentFs =
      info.parent === undefined
        ? undefined
        : join(this.#dir(info.parent), "fs");
    const skip = options.skip;
    const changes = await changesBetween(parentFs, fs);
    return changesTar(
      fs,
      skip ? changes.filter((c) => !skip(`/${c.path}`)) : changes,
    );
  }

  async mount(key: string): Promise<string> {
    await this.mounts(key);
    return join(this.#dir(key), "fs");
  }

  async unmount(key: string): Promise<void> {
    await this.#need(key).catch(() => undefined);
  }

  async isMounted(_key: string): Promise<boolean> {
    return false;
  }

  async paths(key: string): Promise<SnapshotPaths> {
    const info = await this.#need(key);
    const fs = join(this.#dir(key), "fs");
    const lowerDir =
      info.parent === undefined ? "" : join(this.#dir(info.parent), "fs");
    return { lowerDir, upperDir: fs, workDir: "", mergedDir: fs };
  }

  async #need(key: string): Promise<SnapshotInfo> {
    const info = await this.stat(key);
    if (!info) throw new NotFoundError(`snapshot ${key}: not found`);
    return info;
  }
}
