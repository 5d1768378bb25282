/**
 * Namespaces a container shares with the host or another container:
 * `--pid container:<ref>` and `--ipc container:<ref>` join the donor's
 * namespaces through /proc/<pid>/ns, and /dev/shm follows IPC as in moby:
 * a `--ipc shareable` container gets its /dev/shm as a tmpfs mounted on the
 * host (<container dir>/shm), so a container joining its IPC namespace can
 * bind the same one (a bind from another mount namespace is refused by the
 * kernel); `--ipc host` binds the host's /dev/shm.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import {
  InvalidArgumentError,
  errorMessage,
  isErrno,
} from "../../util/errors.ts";
import { MNT_DETACH, mount, umount } from "../../storage/syscalls.ts";
import { donorNamespace } from "./contracts.ts";
import type { ContainerDeps } from "./deps.ts";
import type { ContainerRecord } from "./record.ts";

/** What buildSpec needs to join: namespace paths and the /dev/shm to bind. */
export type SharedNamespaces = {
  /** /proc/<pid>/ns/pid of the donor. */
  pidns?: string;
  /** /proc/<pid>/ns/ipc of the donor. */
  ipcns?: string;
  /** Host directory bound at /dev/shm instead of a private tmpfs. */
  shm?: string;
};

const MS_NOSUID = 2;
const MS_NODEV = 4;
const MS_NOEXEC = 8;

/** The host path of a shareable container's /dev/shm. */
export function shmPathOf(
  core: Pick<ContainerDeps, "store">,
  id: string,
): string {
  return join(core.store.dirOf(id), "shm");
}

/**
 * Resolves the donors of r's PID and IPC modes and mounts r's own shm when
 * it is shareable. Throws Docker's errors: InvalidArgumentError for a missing
 * donor (400, as moby) or one whose IPC is not shareable, ConflictError
 * for one not running.
 */
export async function prepareSharedNamespaces(
  core: Pick<ContainerDeps, "store">,
  r: ContainerRecord,
): Promise<SharedNamespaces> {
  const hc = r.hostConfig;
  const out: SharedNamespaces = {};
  const pidMode = hc.PidMode ?? "";
  if (pidMode.startsWith("container:"))
    out.pidns = donorNamespace(core.store, pidMode, "pid").path;
  const ipcMode = hc.IpcMode ?? "";
  if (ipcMode.startsWith("container:")) {
    const { donor: d, path } = donorNamespace(core.store, ipcMode, "ipc");
    const mode = d.hostConfig.IpcMode ?? "";
    // compat: moby requires the donor to have a /dev/shm of its own to share.
    if (mode !== "shareable" && mode !== "host")
      throw new InvalidArgumentError(
        `can't join IPC of container ${d.id}: non-shareable IPC (hint: use IpcMode:shareable for the donor container)`,
      );
    out.ipcns = path;
    out.shm = mode === "host" ? "/dev/shm" : shmPathOf(core, d.id);
  } else if (ipcMode === "host") {
    out.shm = "/dev/shm";
  } else if (ipcMode === "shareable") {
    out.shm = shmPathOf(core, r.id);
    await mountShm(out.shm, hc.ShmSize ?? 0);
  }
  return out;
}

/** Unmounts a shareable container's host-side /dev/shm; nothing when it is not mounted, a failure is logged (the container is gone either way). */
export function releaseSharedNamespaces(
  core: Pick<ContainerDeps, "store" | "log">,
  r: ContainerRecord,
): void {
  if (r.hostConfig.IpcMode !== "shareable") return;
  try {
    umount(shmPathOf(core, r.id), MNT_DETACH);
  } catch (err) {
    if (isErrno(err, "EINVAL") || isErrno(err, "ENOENT")) return;
    core.log.warn("cannot unmount the container's /dev/shm", {
      id: r.id,
      err: errorMessage(err),
    });
  }
}

/** Mounts a fresh tmpfs for /dev/shm at dir (Docker's options, 64 MiB unless ShmSize), replacing one a crash left. */
async function mountShm(dir: string, size: number): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  try {
    umount(dir, MNT_DETACH); // a stale one from a crash: start afresh
  } catch {
    // not mounted
  }
  mount({
    source: "shm",
    target: dir,
    type: "tmpfs",
    flags: MS_NOSUID | MS_NODEV | MS_NOEXEC,
    data: `mode=1777,size=${size > 0 ? size : 64 * 1024 * 1024}`,
  });
}
