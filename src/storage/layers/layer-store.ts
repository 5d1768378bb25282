import type { Readable } from "node:stream";
import type { IdMappings } from "../../oci/id-mapping.ts";
import type { Mount } from "../../oci/mount.ts";
import type { ApplyResult } from "../archive/apply.ts";
import type { GrowingFile } from "../archive/growing-file.ts";

/**
 * Options of LayerStore.mount. `volatile`: the writable layer is thrown
 * away after its run (`run --rm`), so nothing has to reach the disk: the
 * overlay store mounts it with overlayfs's `volatile` (no syncfs of the
 * whole upper filesystem at unmount; a store without it ignores the flag).
 */
export type MountOptions = { idmap?: IdMappings; volatile?: boolean };

/** Options of LayerStore.diff. */
export type DiffOptions = {
  skip?: (path: string) => boolean;
  /** Maps each entry's owner (overlay store: a user-namespaced container's ids back). */
  owner?: (uid: number, gid: number) => { uid: number; gid: number };
};

/** The three kinds of snapshot (containerd's Kind). */
export type SnapshotKind = "active" | "view" | "committed";

/** What the store records about a snapshot. */
export type SnapshotInfo = {
  /** The key (active, view) or name (committed). */
  name: string;
  /** The committed snapshot below, absent for a base layer. */
  parent?: string;
  kind: SnapshotKind;
  /** RFC 3339 time of prepare/commit. */
  created: string;
  labels: Record<string, string>;
};

/** Disk use of one snapshot's own layer, not counting its parents. */
export type Usage = { size: number; inodes: number };

/** Directories behind a snapshot, for Docker's GraphDriver.Data. */
export type SnapshotPaths = {
  lowerDir: string;
  upperDir: string;
  workDir: string;
  mergedDir: string;
};

/**
 * Stacks of filesystem layers, in containerd's Snapshotter vocabulary. This
 * is where images become root filesystems and where containers' writes go.
 *
 * Vocabulary
 * - snapshot: one layer of files plus a pointer to its parent. A snapshot
 *   seen through its mounts shows itself over all its ancestors.
 * - key: the name of an *active* snapshot (writable, e.g. a container's
 *   rootfs, keyed by container id) or a *view* (read-only, e.g. for export).
 * - name: the name of a *committed* snapshot (immutable, a parent for
 *   others). Image layers are committed under their chain id, so equal
 *   stacks are shared between images.
 * - mounts: how to see a snapshot, as a Mount[] (overlay with lowerdir/
 *   upperdir/workdir, or a bind mount for the copy store).
 *
 * Lifecycle
 *   prepare(key, {parent}) → active snapshot over parent (or empty)
 *   apply(key, tar)        → unpack one layer tar into its writable part
 *   commit(name, key)      → it becomes committed `name`; `key` is gone
 *   view(key, {parent})    → read-only active-like snapshot over parent
 *   mount(key) / unmount(key) → the store mounts at its own mountpoint
 *   diff(key)              → the snapshot's own changes as a layer tar
 *   remove(key | name)     → refused for a committed snapshot with children
 *
 * Example: unpacking a two-layer image, then running a container on it
 *   await store.prepare("extract-1", {});              await store.apply("extract-1", tar0)
 *   await store.commit(chain0, "extract-1")
 *   await store.prepare("extract-2", { parent: chain0 }); await store.apply("extract-2", tar1)
 *   await store.commit(chain1, "extract-2")
 *   await store.prepare(containerId, { parent: chain1 })
 *   const rootfs = await store.mount(containerId)      // hand to the runtime
 *
 * Guarantees and errors (util/errors.ts)
 * - prepare/view/commit on an existing key or name: ConflictError.
 * - Unknown key or parent: NotFoundError.
 * - remove of a committed snapshot that still has children: ConflictError.
 * - Every step is crash-safe: half-made snapshots live under a temp name
 *   until complete and are swept by init().
 * Implementations: OverlayLayerStore (overlayfs, needs root) and
 * CopyLayerStore (full copies, works anywhere, doubles as the test fake).
 * Both pass testsuite.ts.
 */
export interface LayerStore {
  /** The name Docker shows as GraphDriver.Name ("overlay2", "vfs"). */
  readonly driver: string;
  /** Creates directories and removes half-made snapshots; call once. */
  init(): Promise<void>;
  /** Creates an active snapshot over parent; returns its mounts. */
  prepare(
    key: string,
    options: { parent?: string; labels?: Record<string, string> },
  ): Promise<Mount[]>;
  /** Creates a read-only view over parent; returns its mounts. */
  view(key: string, options: { parent?: string }): Promise<Mount[]>;
  /** The mounts of an active snapshot or view. Throws NotFoundError. */
  mounts(key: string): Promise<Mount[]>;
  /** Turns active snapshot key into committed `name`. Refused while mounted. */
  commit(
    name: string,
    key: string,
    options?: { labels?: Record<string, string> },
  ): Promise<void>;
  /** Removes a snapshot (unmounting it first); no-op when unknown. */
  remove(key: string): Promise<void>;
  /** Info of a snapshot, or undefined. */
  stat(key: string): Promise<SnapshotInfo | undefined>;
  /** Every snapshot. */
  list(): Promise<SnapshotInfo[]>;
  /** Bytes and inodes of the snapshot's own layer. */
  usage(key: string): Promise<Usage>;
  /** Unpacks a layer tar into an active snapshot's own layer (not mounted). */
  apply(
    key: string,
    tar: Readable,
    options?: { tee?: (chunk: Buffer) => Promise<void> },
  ): Promise<ApplyResult>;
  /**
   * Unpacks the layer tar (plain or gzip) in `file` (a path, or an fd open
   * for reading that the caller closes afterwards) into an
   * active snapshot's own layer, on a worker thread. With `growing` the
   * file is still being written (a download): the apply follows it.
   * Settles only once nothing writes into the snapshot any more.
   */
  applyFile(
    key: string,
    file: string | number,
    options?: { growing?: GrowingFile },
  ): Promise<ApplyResult>;
  /**
   * The snapshot's own changes against its parent, as a layer tar with
   * whiteouts. `skip` leaves out absolute paths ("/etc/hostname") and
   * everything below them.
   */
  diff(key: string, options?: DiffOptions): Promise<Readable>;
  /**
   * Mounts an active snapshot or view at its mountpoint (idempotent);
   * returns the path. With `idmap` (a user-namespaced container) the
   * parents appear owned through the mapping and the snapshot's own top
   * directory is owned by the mapped root; the first mount decides.
   * Throws NotImplementedError where the store cannot map owners.
   */
  mount(key: string, options?: MountOptions): Promise<string>;
  /** Unmounts; no-op when not mounted. */
  unmount(key: string): Promise<void>;
  /** True when the snapshot is mounted. */
  isMounted(key: string): Promise<boolean>;
  /** The directories behind a snapshot. Throws NotFoundError. */
  paths(key: string): Promise<SnapshotPaths>;
  /**
   * Present only where apply() writes the snapshot's own layer and never
   * reads its parent (overlay: whiteouts are marks, not deletions), so the
   * layers of one image can be unpacked at once, each into a parentless
   * snapshot, and given their parents in order before commit: sets the
   * parent of an unmounted active snapshot that has none. Throws
   * NotFoundError, ConflictError (mounted, has a parent, parent not
   * committed).
   */
  rebase?(key: string, options: { parent: string }): Promise<void>;
}
