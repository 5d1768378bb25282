import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import type { Mount } from "../../oci/mount.ts";
import { ConflictError, NotFoundError } from "../../util/errors.ts";
import type { Readable } from "node:stream";
import {
  applyTar,
  type ApplyResult,
  type WhiteoutMode,
} from "../archive/apply.ts";
import { applyTarFile } from "../archive/apply-file.ts";
import type { GrowingFile } from "../archive/growing-file.ts";
import type { SnapshotInfo, Usage } from "./layer-store.ts";
import { readInfo, snapshotDirName, treeUsage } from "./snapshot-dir.ts";

/**
 * What the directory-per-snapshot stores (overlay.ts, copy.ts) share: a
 * snapshot is <root>/<snapshotDirName(key)>/ holding snapshot.json, made
 * under a `.tmp-*` name and renamed into place. Subclasses lay out the
 * rest (create, mounts) and may refuse names (dir).
 */
export abstract class DirLayerStore {
  readonly root: string;

  constructor(options: { root: string }) {
    this.root = options.root;
  }

  /** Makes the snapshot `info` names (checked by newInfo: free key, committed parent). */
  protected abstract create(info: SnapshotInfo): Promise<void>;

  /** Turns active `key` into the committed snapshot `info` (checked already). */
  protected abstract seal(key: string, info: SnapshotInfo): Promise<void>;

  /** Removes the existing snapshot `key` (children checked already). */
  protected abstract discard(key: string, info: SnapshotInfo): Promise<void>;

  /** The mounts of an active snapshot or a view (LayerStore.mounts). */
  abstract mounts(key: string): Promise<Mount[]>;

  /** The subdirectory holding a snapshot's own files ("fs" for copies, "diff" for overlay). */
  protected abstract readonly filesDir: string;

  /** How applied layers record deletions: removing the files, or overlay whiteouts. */
  protected abstract readonly whiteouts: WhiteoutMode;

  /** Bytes and inodes under the snapshot's own files (a copy store counts its parent's too). */
  async usage(key: string): Promise<Usage> {
    await this.need(key);
    return treeUsage(join(this.dir(key), this.filesDir));
  }

  /** Unpacks a layer tar into an active snapshot (LayerStore.apply). */
  async apply(
    key: string,
    tar: Readable,
    options: { tee?: (chunk: Buffer) => Promise<void> } = {},
  ): Promise<ApplyResult> {
    await this.needActive(key);
    return applyTar(tar, join(this.dir(key), this.filesDir), {
      whiteouts: this.whiteouts,
      ...options,
    });
  }

  /** Unpacks a layer tar file into an active snapshot (LayerStore.applyFile). */
  async applyFile(
    key: string,
    file: string | number,
    options: { growing?: GrowingFile } = {},
  ): Promise<ApplyResult> {
    await this.needActive(key);
    return applyTarFile(file, join(this.dir(key), this.filesDir), {
      whiteouts: this.whiteouts,
      ...options,
    });
  }

  /** The directory of a snapshot key or name. */
  protected dir(key: string): string {
    return join(this.root, snapshotDirName(key));
  }

  /** Whether a root entry is the store's own rather than a snapshot ("." entries always are). */
  protected isReserved(_name: string): boolean {
    return false;
  }

  async prepare(
    key: string,
    options: { parent?: string; labels?: Record<string, string> },
  ): Promise<Mount[]> {
    await this.create(
      await this.newInfo(key, "active", options.parent, options.labels ?? {}),
    );
    return this.mounts(key);
  }

  async view(key: string, options: { parent?: string }): Promise<Mount[]> {
    await this.create(await this.newInfo(key, "view", options.parent, {}));
    return this.mounts(key);
  }

  async commit(
    name: string,
    key: string,
    options: { labels?: Record<string, string> } = {},
  ): Promise<void> {
    const committed = await this.committedInfo(name, key, options.labels);
    await this.seal(key, committed);
  }

  async remove(key: string): Promise<void> {
    const info = await this.stat(key);
    if (!info) return;
    await this.checkNoChildren(key, info);
    await this.discard(key, info);
  }

  async stat(key: string): Promise<SnapshotInfo | undefined> {
    return readInfo(this.dir(key));
  }

  async list(): Promise<SnapshotInfo[]> {
    const out: SnapshotInfo[] = [];
    for (const name of await readdir(this.root)) {
      if (name.startsWith(".") || this.isReserved(name)) continue;
      const info = await readInfo(join(this.root, name));
      if (info) out.push(info);
    }
    return out;
  }

  /** A fresh `.tmp-*` path in the root (swept by init after a crash). */
  protected tmpPath(): string {
    return join(this.root, `.tmp-${randomBytes(8).toString("hex")}`);
  }

  /**
   * Checks a create: key is free and parent, when given, is committed.
   * Returns the new snapshot's info. Throws ConflictError, NotFoundError.
   */
  protected async newInfo(
    key: string,
    kind: "active" | "view",
    parent: string | undefined,
    labels: Record<string, string>,
  ): Promise<SnapshotInfo> {
    if (await readInfo(this.dir(key)))
      throw new ConflictError(`snapshot ${key}: already exists`);
    if (parent !== undefined) {
      const p = await this.stat(parent);
      if (!p || p.kind !== "committed")
        throw new NotFoundError(`parent snapshot ${parent}: not found`);
    }
    const info: SnapshotInfo = {
      name: key,
      kind,
      created: new Date().toISOString(),
      labels,
    };
    if (parent !== undefined) info.parent = parent;
    return info;
  }

  /**
   * Checks a commit of key as name and returns the committed info to
   * write. Throws NotFoundError, ConflictError (not active, name taken).
   */
  protected async committedInfo(
    name: string,
    key: string,
    labels: Record<string, string> | undefined,
  ): Promise<SnapshotInfo> {
    const info = await this.needActive(key);
    if (await this.stat(name))
      throw new ConflictError(`snapshot ${name}: already exists`);
    return {
      ...info,
      name,
      kind: "committed",
      created: new Date().toISOString(),
      labels: { ...info.labels, ...labels },
    };
  }

  /** Throws ConflictError when a committed snapshot still has children. */
  protected async checkNoChildren(
    key: string,
    info: SnapshotInfo,
  ): Promise<void> {
    if (info.kind === "committed")
      for (const s of await this.list())
        if (s.parent === key)
          throw new ConflictError(`snapshot ${key}: has children (${s.name})`);
  }

  /** The info of key. Throws NotFoundError. */
  protected async need(key: string): Promise<SnapshotInfo> {
    const info = await this.stat(key);
    if (!info) throw new NotFoundError(`snapshot ${key}: not found`);
    return info;
  }

  /** The info of an active key. Throws NotFoundError, ConflictError. */
  protected async needActive(key: string): Promise<SnapshotInfo> {
    const info = await this.need(key);
    if (info.kind !== "active")
      throw new ConflictError(`snapshot ${key}: not active`);
    return info;
  }
}
