import {
  chmod,
  chown,
  mkdir,
  readdir,
  stat,
  readFile,
  rename,
  rm,
  symlink,
  writeFile,
} from "node:fs/promises";
import { dirname, join } from "node:path";
import { randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import type { Mount } from "../../oci/mount.ts";
import {
  ConflictError,
  InvalidArgumentError,
  isErrno,
} from "../../util/errors.ts";
import { diffTar } from "../archive/diff.ts";
import { MNT_DETACH, mount, umountAsync } from "../syscalls.ts";
import type {
  DiffOptions,
  LayerStore,
  SnapshotInfo,
  MountOptions,
  SnapshotPaths,
} from "./layer-store.ts";
import { MappedLowers, type LowerMode } from "./mapped-lowers.ts";
import { rootPair, type IdMappings } from "../../oci/id-mapping.ts";
import { DirLayerStore } from "./dir-store.ts";
import { mountAll } from "./overlay-mount.ts";
import {
  isMountPoint,
  readInfo,
  snapshotDirName,
  writeInfo,
} from "./snapshot-dir.ts";

/**
 * LayerStore on overlayfs, laid out like Docker's overlay2 driver.
 *
 * ```
 * <root>/                       (<data-root>/overlay)
 *   l/<26 chars> -> ../<dir>/diff    short names keep deep stacks under
 *                                    the 4096-byte mount data limit
 *   l/.empty/                   lower dir for a snapshot with no parent
 *   <dir>/                      <dir> = chain id hex, container id, or key
 *     snapshot.json             SnapshotInfo
 *     link                      this layer's short name
 *     lower                     "l/AAA:l/BBB" (parents, nearest first); absent for a base
 *     diff/                     the layer's own files (the upperdir when active)
 *     work/ merged/             active snapshots and views only
 *   .tmp-*                      half-made snapshots, swept by init()
 * ```
 * Mounting calls mount(2) directly (syscalls.ts). Needs root.
 */
export class OverlayLayerStore extends DirLayerStore implements LayerStore {
  protected readonly filesDir = "diff";
  protected readonly whiteouts = "overlay" as const;
  readonly driver = "overlay2";
  readonly #mapped: MappedLowers;

  /**
   * `mappingRoot`: where per-mapping state of user-namespaced containers
   * goes (mapped-lowers.ts; default the parent of root, i.e. the data
   * root); `lowerMode` forces idmapped mounts or chown'd copies.
   */
  constructor(options: {
    root: string;
    mappingRoot?: string;
    lowerMode?: LowerMode;
  }) {
    super(options);
    this.#mapped = new MappedLowers({
      stateRoot: options.mappingRoot ?? dirname(options.root),
      ...(options.lowerMode ? { mode: options.lowerMode } : {}),
    });
  }

  /** How remapped containers see their lower layers: "idmap" or "copy". */
  get lowerMode(): LowerMode {
    return this.#mapped.mode;
  }

  async init(): Promise<void> {
    await mkdir(join(this.root, "l"), { recursive: true, mode: 0o700 });
    await mkdir(join(this.root, "l", ".empty"), {
      recursive: true,
      mode: 0o755,
    });
    for (const name of await readdir(this.root)) {
      if (name.startsWith(".tmp-"))
        await rm(join(this.root, name), { recursive: true, force: true });
      else if (name !== "l") await this.#recover(name);
    }
  }

  /** Finishes a commit cut short by a crash and re-points the short link. */
  async #recover(dirName: string): Promise<void> {
    const dir = join(this.root, dirName);
    const info = await readInfo(dir);
    if (!info) return void (await rm(dir, { recursive: true, force: true }));
    const want = snapshotDirName(info.name);
    if (want !== dirName) {
      await rename(dir, join(this.root, want));
      return this.#recover(want);
    }
    const link = (await readFile(join(dir, "link"), "utf8")).trim();
    await this.#pointLink(link, dirName);
  }

  async #pointLink(link: string, dirName: string): Promise<void> {
    const tmp = join(this.root, "l", `.tmp-${link}`);
    await rm(tmp, { force: true });
    await symlink(`../${dirName}/diff`, tmp);
    await rename(tmp, join(this.root, "l", link));
  }

  /** "l" holds the short links, so it is no snapshot key. */
  protected override dir(key: string): string {
    const name = snapshotDirName(key);
    if (name === "l")
      throw new InvalidArgumentError(
        `invalid snapshot key: ${JSON.stringify(key)}`,
      );
    return join(this.root, name);
  }

  protected override isReserved(name: string): boolean {
    return name === "l";
  }

  get #empty(): string {
    return join(this.root, "l", ".empty");
  }

  protected async create(info: SnapshotInfo): Promise<void> {
    const { name: key, parent } = info;
    const lower = parent === undefined ? "" : await this.#lowerOver(parent);
    const tmp = this.tmpPath();
    const link = newLinkName();
    await mkdir(join(tmp, "diff"), { recursive: true, mode: 0o755 });
    await mkdir(join(tmp, "work"), { mode: 0o700 });
    await mkdir(join(tmp, "merged"), { mode: 0o755 });
    await writeFile(join(tmp, "link"), link);
    if (lower) await writeFile(join(tmp, "lower"), lower);
    await writeInfo(tmp, info);
    await rename(tmp, this.dir(key));
    await this.#pointLink(link, snapshotDirName(key));
  }

  /** The `lower` file of a snapshot over parent: its link, then its lowers. */
  async #lowerOver(parent: string): Promise<string> {
    const pdir = this.dir(parent);
    const plink = (await readFile(join(pdir, "link"), "utf8")).trim();
    const plower = await readFile(join(pdir, "lower"), "utf8").catch(() => "");
    return plower ? `l/${plink}:${plower}` : `l/${plink}`;
  }

  /** LayerStore.rebase: overlay's apply never reads the lower dirs. */
  async rebase(key: string, options: { parent: string }): Promise<void> {
    const info = await this.needActive(key);
    if (info.parent !== undefined)
      throw new ConflictError(`snapshot ${key}: already has a parent`);
    const parent = await this.need(options.parent);
    if (parent.kind !== "committed")
      throw new ConflictError(`snapshot ${options.parent}: not committed`);
    const dir = this.dir(key);
    if (await isMountPoint(join(dir, "merged")))
      throw new ConflictError(`snapshot ${key}: mounted`);
    await writeFile(join(dir, "lower"), await this.#lowerOver(options.parent));
    await writeInfo(dir, { ...info, parent: options.parent });
  }

  async mounts(key: string): Promise<Mount[]> {
    const info = await this.need(key);
    const dir = this.dir(key);
    const lower = await readFile(join(dir, "lower"), "utf8").catch(() => "");
    const lowers = lower ? lower.split(":").map((l) => join(this.root, l)) : [];
    if (info.kind === "view") {
      if (lowers.length === 0)
        return [
          { type: "bind", source: this.#empty, options: ["rbind", "ro"] },
        ];
      // compat: overlayfs needs two lower dirs without an upper; one layer is a read-only bind (containerd does the same).
      if (lowers.length === 1)
        return [{ type: "bind", source: lowers[0]!, options: ["rbind", "ro"] }];
      return [
        {
          type: "overlay",
          source: "overlay",
          options: [`lowerdir=${lowers.join(":")}`],
        },
      ];
    }
    if (info.kind !== "active")
      throw new ConflictError(
        `snapshot ${key}: committed snapshots have no mounts`,
      );
    return [
      {
        type: "overlay",
        source: "overlay",
        options: [
          `lowerdir=${lowers.length ? lowers.join(":") : this.#empty}`,
          `upperdir=${join(dir, "diff")}`,
          `workdir=${join(dir, "work")}`,
        ],
      },
    ];
  }

  protected async seal(key: string, committed: SnapshotInfo): Promise<void> {
    const dir = this.dir(key);
    if (await isMountPoint(join(dir, "merged")))
      throw new ConflictError(`snapshot ${key}: mounted`);
    await rm(join(dir, "work"), { recursive: true, force: true });
    await rm(join(dir, "merged"), { recursive: true, force: true });
    // Write the new identity first, then rename: init() finishes a cut-short commit.
    await writeInfo(dir, committed);
    await rename(dir, this.dir(committed.name));
    await this.#recover(snapshotDirName(committed.name));
  }

  protected async discard(key: string, info: SnapshotInfo): Promise<void> {
    await this.unmount(key);
    const dir = this.dir(key);
    const link = await readFile(join(dir, "link"), "utf8").catch(() => "");
    // Rename first so a crash never leaves a half-deleted snapshot that looks whole.
    const tmp = this.tmpPath();
    await rename(dir, tmp);
    if (link) await rm(join(this.root, "l", link.trim()), { force: true });
    const removal = rm(tmp, { recursive: true, force: true });
    // A container's writable layer is gone for every reader once renamed:
    // its tree (a dozen unlinks, each a trip through libuv's pool, 3 ms
    // here and 12 ms under disk load) is removed without holding up `rm`
    // and `run --rm`; a crash meanwhile leaves a .tmp-* that init() sweeps.
    if (info.kind === "active") removal.catch(() => undefined);
    else await removal;
    if (info.kind === "committed")
      await this.#mapped.forget(snapshotDirName(key));
  }

  async diff(key: string, options: DiffOptions = {}): Promise<Readable> {
    await this.need(key);
    return diffTar(join(this.dir(key), "diff"), options);
  }

  async mount(key: string, options: MountOptions = {}): Promise<string> {
    const plain = await this.mounts(key);
    const target = join(this.dir(key), "merged");
    if (await isMountPoint(target)) return target;
    await mkdir(target, { recursive: true });
    const mounts = options.volatile ? volatileMounts(plain) : plain;
    try {
      if (options.idmap) await this.#mountMapped(key, mounts, options.idmap);
      else mountAll(mounts, target, this.root);
    } catch (err) {
      // A volatile mount leaves work/work/incompat/volatile behind, and
      // overlayfs refuses (EINVAL) every later mount of the layer until it
      // is gone; a kernel before 5.10 refuses the option itself. Once
      // more, without either.
      if (!isErrno(err, "EINVAL")) throw err;
      const incompat = join(this.dir(key), "work", "work", "incompat");
      const stale = await stat(incompat).then(
        () => true,
        () => false,
      );
      if (!stale && !options.volatile) throw err;
      await rm(incompat, { recursive: true, force: true });
      if (options.idmap) await this.#mountMapped(key, plain, options.idmap);
      else mountAll(plain, target, this.root);
    }
    return target;
  }

  /**
   * Mounts an active snapshot for a user-namespaced container: its lower
   * dirs idmapped (or chown'd copies, mapped-lowers.ts) and its upper
   * dir's top owned by the mapped root, so container root may write to /.
   * An idmapped layer the kernel refuses switches the store to copies.
   */
  async #mountMapped(key: string, mounts: Mount[], m: IdMappings) {
    const target = join(this.dir(key), "merged");
    const overlay = mounts[0];
    if (mounts.length !== 1 || overlay?.type !== "overlay")
      throw new ConflictError(`snapshot ${key}: only active snapshots map ids`);
    // The remapped root must search down to merged/ (crun mounts from
    // inside the user namespace): the store root opens like dockerd's 0711.
    await chmod(this.root, 0o711);
    const upper = join(this.dir(key), "diff");
    const root = rootPair(m);
    const st = await stat(upper);
    if (st.uid === 0 && st.gid === 0) await chown(upper, root.uid, root.gid);
    const lowerOpt = overlay.options.find((o) => o.startsWith("lowerdir="))!;
    const lowers = lowerOpt.slice("lowerdir=".length).split(":");
    for (let attempt = 0; ; attempt++) {
      const mode = this.#mapped.mode;
      let prepared;
      try {
        prepared = await this.#mapped.prepare(lowers, m);
      } catch (err) {
        if (mode === "idmap" && attempt === 0) {
          this.#mapped.useCopies();
          continue;
        }
        throw err;
      }
      const options = overlay.options.map((o) =>
        o === lowerOpt ? `lowerdir=${prepared.lowers.join(":")}` : o,
      );
      try {
        mount({
          source: "overlay",
          target,
          type: "overlay",
          data: options.join(","),
        });
        return;
      } catch (err) {
        // Overlayfs before 5.19 refuses idmapped lower layers with EINVAL.
        if (mode !== "idmap" || attempt > 0 || !isErrno(err, "EINVAL"))
          throw err;
        this.#mapped.useCopies();
      } finally {
        await prepared.done();
      }
    }
  }

  async unmount(key: string): Promise<void> {
    const target = join(this.dir(key), "merged");
    while (await isMountPoint(target)) {
      try {
        // Off the main thread: the last unmount of an overlay syncs the
        // upper filesystem (unless volatile), which can take milliseconds.
        await umountAsync(target, MNT_DETACH);
      } catch (err) {
        if (isErrno(err, "EINVAL") || isErrno(err, "ENOENT")) return;
        throw err;
      }
    }
  }

  async isMounted(key: string): Promise<boolean> {
    return isMountPoint(join(this.dir(key), "merged"));
  }

  async paths(key: string): Promise<SnapshotPaths> {
    await this.need(key);
    const dir = this.dir(key);
    const lower = await readFile(join(dir, "lower"), "utf8").catch(() => "");
    const lowerDir = lower
      .split(":")
      .filter(Boolean)
      .map((l) => join(this.root, l))
      .join(":");
    return {
      lowerDir,
      upperDir: join(dir, "diff"),
      workDir: join(dir, "work"),
      mergedDir: join(dir, "merged"),
    };
  }
}

const LINK_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** A random 26-character link name, as overlay2's generateID (base32 of 16 bytes). */
function newLinkName(): string {
  return [...randomBytes(26)].map((b) => LINK_CHARS[b % 32]).join("");
}

/**
 * The overlay mounts with overlayfs's `volatile` added: no sync of the
 * upper filesystem, ever (an unmount otherwise runs syncfs on the whole
 * filesystem under the data root: milliseconds, tens of them when other
 * writers keep it busy). Podman mounts `--rm` containers so, for the same
 * reason; a crash may leave such a layer inconsistent, which does not
 * matter for a layer removed after its run.
 */
function volatileMounts(mounts: Mount[]): Mount[] {
  return mounts.map((m) =>
    m.type === "overlay" ? { ...m, options: [...m.options, "volatile"] } : m,
  );
}
