import type { Stats } from "node:fs";
import type { Readable } from "node:stream";
import { lstat, readdir } from "node:fs/promises";
import { join, posix } from "node:path";
import { OPAQUE_XATTR } from "../../storage/archive/apply.ts";
import { lgetxattr } from "../../storage/syscalls.ts";
import type { RootfsPaths } from "../images/index.ts";
import type { ContainerRecord } from "./record.ts";
import { mountsOf } from "./archive.ts";
import type { ContainerDeps } from "./deps.ts";
import { rootfsOptions } from "./userns.ts";

/** One entry of GET /containers/{id}/changes: Kind 0 modified, 1 added, 2 deleted. */
export type FilesystemChange = { Path: string; Kind: 0 | 1 | 2 };

const MODIFIED = 0;
const ADDED = 1;
const DELETED = 2;

/**
 * Paths the runtime creates in the writable layer as mount targets. Docker
 * keeps these in a separate "init" layer below the container's, so they
 * never show in `docker diff` or a commit (moby daemon/initlayer, plus the
 * /dev, /proc, /sys mount points and the --init binary's target).
 */
const RUNTIME_PATHS = [
  "/dev",
  "/proc",
  "/sys",
  "/.dockerenv",
  "/etc/resolv.conf",
  "/etc/hosts",
  "/etc/hostname",
  "/etc/mtab",
  "/sbin/docker-init",
];

/** A predicate for paths of r that belong to the runtime, not to the user's changes. */
export function runtimePathFilter(
  r: ContainerRecord,
): (path: string) => boolean {
  const roots = [
    ...RUNTIME_PATHS,
    ...mountsOf(r).map((m) => posix.resolve("/", m.Destination)),
  ];
  return (path) => roots.some((p) => path === p || path.startsWith(`${p}/`));
}

/**
 * Docker's overlay Changes (moby pkg/archive OverlayChanges) from a
 * container's upper dir over its lower dirs: a 0/0 character device is a
 * deletion; an entry absent from every lower dir is added; present is
 * modified, except a directory whose size, mode and mtime are unchanged.
 * The parent of an added or deleted entry is listed as modified before
 * it. An opaque directory (removed and recreated) is modified and all it
 * holds is added. Runtime paths (runtimePathFilter) are left out, and so
 * is a directory listed only because of them. Order: a sorted walk.
 */
export async function containerChanges(
  paths: RootfsPaths,
  skip: (path: string) => boolean,
): Promise<FilesystemChange[]> {
  const lowers = paths.lowerDir.split(":").filter(Boolean);
  const out: FilesystemChange[] = [];
  const changedDirs = new Set<string>();
  const onlyRuntime = new Set<string>();
  const walk = async (dir: string, opaque: boolean): Promise<void> => {
    for (const name of (await readdir(join(paths.upperDir, dir))).sort()) {
      const path = posix.join("/", dir, name);
      if (skip(path)) {
        onlyRuntime.add(posix.dirname(path));
        continue;
      }
      const st = await lstat(join(paths.upperDir, path));
      const kind = await kindOf(st, path, lowers, opaque);
      if (kind === undefined) {
        if (st.isDirectory()) await walk(path, false);
        continue;
      }
      const parent = posix.dirname(path);
      if (kind !== MODIFIED && parent !== "/" && !changedDirs.has(parent)) {
        out.push({ Path: parent, Kind: MODIFIED });
        changedDirs.add(parent);
      }
      if (st.isDirectory()) changedDirs.add(path);
      out.push({ Path: path, Kind: kind });
      if (st.isDirectory())
        await walk(path, opaque || isOpaque(join(paths.upperDir, path)));
    }
  };
  await walk("/", false);
  // Drop directories listed only because the runtime wrote into them.
  return out.filter(
    (c) =>
      !(
        c.Kind === MODIFIED &&
        onlyRuntime.has(c.Path) &&
        !out.some((o) => o.Path.startsWith(`${c.Path}/`))
      ),
  );
}

async function kindOf(
  st: Stats,
  path: string,
  lowers: string[],
  inOpaque: boolean,
): Promise<0 | 1 | 2 | undefined> {
  if (st.isCharacterDevice() && st.rdev === 0) return DELETED;
  if (inOpaque) return ADDED;
  for (const lower of lowers) {
    const old = await lstat(join(lower, path)).catch(() => undefined);
    if (!old) continue;
    if (
      old.isDirectory() &&
      st.isDirectory() &&
      old.size === st.size &&
      old.mode === st.mode &&
      old.mtimeMs === st.mtimeMs
    )
      return undefined;
    return MODIFIED;
  }
  return ADDED;
}

function isOpaque(dir: string): boolean {
  return lgetxattr(dir, OPAQUE_XATTR)?.toString() === "y";
}

/** GET /containers/{id}/changes: A/C/D from the writable layer ([] without one). */
export async function changesOf(
  core: Pick<ContainerDeps, "store" | "images">,
  ref: string,
): Promise<FilesystemChange[]> {
  const r = core.store.resolve(ref);
  const paths = await core.images.rootfsPaths(r.id);
  return paths ? containerChanges(paths, runtimePathFilter(r)) : [];
}

/**
 * The container's writable layer as a tar diff, as commit takes it: runtime
 * mount targets and the container's mounts left out, owners shifted back
 * from its user namespace. The builder commits RUN steps with it. Throws
 * NotFoundError.
 */
export async function layerDiff(
  core: Pick<ContainerDeps, "store" | "images">,
  ref: string,
): Promise<Readable> {
  const r = core.store.resolve(ref);
  return core.images.rootfsDiff(r.id, {
    skip: runtimePathFilter(r),
    ...rootfsOptions(r),
  });
}
