import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { Readable } from "node:stream";
import {
  archivePath,
  statPath,
  type PathStat,
} from "../../storage/archive/copy-out.ts";
import { extractToDir } from "../../storage/archive/copy-in.ts";
import { FsScope, type ScopeMount } from "../../storage/archive/fs-scope.ts";
import { closeFd, procPath } from "../../storage/archive/root-dir.ts";
import { NotFoundError } from "../../util/errors.ts";
import { publish, type ContainerDeps } from "./deps.ts";
import { hostFilePaths } from "./host-files.ts";
import { isRunning, type ContainerRecord } from "./record.ts";
import { resolveUserFrom } from "./user.ts";
import { rootfsOptions, unshiftOptions } from "./userns.ts";
import { shiftOwner, type IdMappings } from "../../oci/id-mapping.ts";

/**
 * `docker cp` on the daemon side (GET/HEAD/PUT /containers/{id}/archive):
 * the container's filesystem as an FsScope (rootfs + host mounts, every
 * path confined, see storage/archive/fs-scope.ts). A stopped container's
 * rootfs is mounted for the copy and unmounted after the last concurrent
 * copy ends, unless it started meanwhile.
 */

/** What reading and writing a container's files use. */
export type ArchiveDeps = Pick<
  ContainerDeps,
  "store" | "lock" | "images" | "events"
>;

const users = new WeakMap<ArchiveDeps, Map<string, number>>();

/** The host-side mounts of r, for path resolution. */
export function mountsOf(r: ContainerRecord): ScopeMount[] {
  const mounts = r.mounts ?? [];
  // tmpfs lives only in the container's mount namespace: nothing on the host to reach.
  return mounts
    .filter((m) => m.Source !== "" && m.Type !== "tmpfs")
    .map((m) => ({ Destination: m.Destination, Source: m.Source, RW: m.RW }));
}

/**
 * The files every started container has bound over /etc (hostname, hosts,
 * resolv.conf) that exist on the host, unless a user mount takes their
 * place. compat: dockerd's archive sees them as mounts too, so `docker cp
 * c:/etc/hostname -` returns the container's hostname, not the image's file.
 */
export function hostFileMountsOf(
  core: Pick<ContainerDeps, "store">,
  r: ContainerRecord,
): ScopeMount[] {
  const files = hostFilePaths(core.store.dirOf(r.id));
  const taken = new Set(mountsOf(r).map((m) => m.Destination));
  return (
    [
      ["/etc/hostname", files.hostnamePath],
      ["/etc/hosts", files.hostsPath],
      ["/etc/resolv.conf", files.resolvConfPath],
    ] as const
  )
    .filter(([dest, src]) => !taken.has(dest) && existsSync(src))
    .map(([dest, src]) => ({ Destination: dest, Source: src, RW: true }));
}

/**
 * Opens r's filesystem; `release` closes it and unmounts a rootfs mounted
 * only for this. Throws what mounting throws.
 */
export async function openScope(
  core: ArchiveDeps,
  r: ContainerRecord,
): Promise<{ scope: FsScope; release: () => Promise<void> }> {
  const counts = users.get(core) ?? new Map<string, number>();
  users.set(core, counts);
  const rootfs = await core.lock.run(r.id, async () => {
    const path = await core.images.mountRootfs(r.id, rootfsOptions(r));
    counts.set(r.id, (counts.get(r.id) ?? 0) + 1);
    return path;
  });
  let scope: FsScope;
  try {
    scope = new FsScope(
      rootfs,
      [...hostFileMountsOf(core, r), ...mountsOf(r)],
      {
        readOnlyRootfs: r.hostConfig.ReadonlyRootfs === true,
      },
    );
  } catch (err) {
    await release(core, r, counts);
    throw err;
  }
  let released = false;
  return {
    scope,
    release: async () => {
      if (released) return;
      released = true;
      scope.close();
      await release(core, r, counts);
    },
  };
}

async function release(
  core: ArchiveDeps,
  r: ContainerRecord,
  counts: Map<string, number>,
): Promise<void> {
  await core.lock.run(r.id, async () => {
    const n = (counts.get(r.id) ?? 1) - 1;
    if (n > 0) return void counts.set(r.id, n);
    counts.delete(r.id);
    if (!isRunning(r) && core.store.get(r.id))
      await core.images.unmountRootfs(r.id);
  });
}

/** compat: moby's containerFileNotFound text names the container as the client did. */
function fileNotFound(path: string, ref: string): NotFoundError {
  return new NotFoundError(
    `Could not find the file ${path} in container ${ref}`,
  );
}

/** HEAD /containers/{id}/archive. Throws NotFoundError for a missing path. */
export async function archiveStat(
  core: ArchiveDeps,
  ref: string,
  path: string,
): Promise<PathStat> {
  const r = core.store.resolve(ref);
  const options = { path, ref };
  const { scope, release } = await openScope(core, r);
  try {
    const found = await statPath(scope, options.path);
    if (!found) throw fileNotFound(options.path, options.ref);
    return found.stat;
  } finally {
    await release();
  }
}

/** GET /containers/{id}/archive: the stat and the tar; the rootfs stays mounted until the tar ends. */
export async function archiveGet(
  core: ArchiveDeps,
  ref: string,
  path: string,
): Promise<{ stat: PathStat; tar: Readable }> {
  const r = core.store.resolve(ref);
  const options = { path, ref };
  const { scope, release } = await openScope(core, r);
  try {
    const found = await archivePath(scope, options.path, unshiftOptions(r));
    if (!found) throw fileNotFound(options.path, options.ref);
    const done = (): void => void release().catch(() => undefined);
    found.tar.once("close", done);
    found.tar.once("end", done);
    found.tar.once("error", done);
    publish(core, r, "archive-path");
    return found;
  } catch (err) {
    await release();
    throw err;
  }
}

/** Options of PUT /containers/{id}/archive (ref: as the client named the container). */
export type ArchivePutOptions = {
  path: string;
  ref: string;
  noOverwriteDirNonDir: boolean;
  copyUIDGID: boolean;
};

/** PUT /containers/{id}/archive. Throws NotFoundError, InvalidArgumentError, ForbiddenError. */
export async function archivePut(
  core: ArchiveDeps,
  ref: string,
  body: Readable,
  put: Omit<ArchivePutOptions, "ref">,
): Promise<void> {
  const r = core.store.resolve(ref);
  const options = { ...put, ref };
  const { scope, release } = await openScope(core, r);
  try {
    const chown =
      options.copyUIDGID && r.config.User
        ? await containerUser(scope, r.config.User)
        : undefined;
    await extractToDir(scope, options.path, body, {
      noOverwriteDirNonDir: options.noOverwriteDirNonDir,
      missing: fileNotFound(options.path, options.ref).message,
      ...(chown ? { chown } : {}),
      // compat: dockerd extracts into a remapped container with its mapping.
      ...(r.idMappings ? { owner: shiftWith(r.idMappings) } : {}),
    });
    publish(core, r, "extract-to-dir");
  } finally {
    await release();
  }
}

/** The container's Config.User as uid/gid, read from its own /etc files (moby's tarCopyOptions). */
async function containerUser(
  scope: FsScope,
  user: string,
): Promise<{ uid: number; gid: number }> {
  const read = async (path: string): Promise<string> => {
    const { root, rel } = scope.locate(await scope.canonical(path, true));
    let fd: number | undefined;
    try {
      fd = root.open(rel, { follow: true });
      return await readFile(procPath(fd), "utf8");
    } catch {
      return "";
    } finally {
      if (fd !== undefined) closeFd(fd);
    }
  };
  const u = resolveUserFrom(
    user,
    await read("/etc/passwd"),
    await read("/etc/group"),
  );
  return { uid: u.uid, gid: u.gid };
}

function shiftWith(
  m: IdMappings,
): (uid: number, gid: number) => { uid: number; gid: number } {
  return (uid, gid) => shiftOwner(m, uid, gid);
}
