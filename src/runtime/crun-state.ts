import { constants } from "node:fs";
import { open, readdir, readFile, rm, rmdir } from "node:fs/promises";
import { join } from "node:path";
import { isErrno } from "../util/errors.ts";

/**
 * Two crun commands done in-process for the common case, each saving a
 * spawn of the daemon (≈ 5–10 ms, several times that on a loaded machine)
 * on `run --rm`'s path. Both answer false when the case is not the plain
 * one, and the caller then runs the crun command itself. They rely on
 * crun's state directory (`<root>/<id>/`: `status` JSON, `exec.fifo`),
 * the same in every crun release since 0.x; runc's differs (its fifo is
 * opened the other way round): crun only.
 */

/**
 * `crun start` for a container without hooks or a notify socket (wharf's
 * specs have neither): the created process waits reading `exec.fifo`;
 * opening it for writing, unlinking it and writing one byte lets it exec.
 * False when no process waits on it (no fifo, or the process is gone).
 */
export async function startCreated(stateDir: string): Promise<boolean> {
  const fifo = join(stateDir, "exec.fifo");
  let fh;
  try {
    // O_NONBLOCK: without a reader the open fails (ENXIO) instead of waiting.
    fh = await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
  } catch {
    return false;
  }
  try {
    await rm(fifo, { force: true });
    await fh.write(Buffer.alloc(1));
    return true;
  } finally {
    await fh.close();
  }
}

/** The fields of crun's `status` file read here. */
type CrunStatus = {
  pid?: number;
  "cgroup-path"?: string;
  "systemd-cgroup"?: boolean;
  scope?: string;
};

/**
 * `crun delete` of a container whose process is gone: removes its cgroup
 * (in every v1 hierarchy, or the v2 tree) and its state directory. False,
 * with the state left, when the status cannot be read, the process still
 * runs, the cgroup is a systemd one, or a cgroup still holds a process
 * (EBUSY): `crun delete --force` then kills what is left.
 */
export async function deleteStopped(
  stateDir: string,
  cgroupRoot = "/sys/fs/cgroup",
): Promise<boolean> {
  let st: CrunStatus;
  try {
    st = JSON.parse(
      await readFile(join(stateDir, "status"), "utf8"),
    ) as CrunStatus;
  } catch {
    return false;
  }
  const path = st["cgroup-path"] ?? "";
  if (st["systemd-cgroup"] || st.scope || !(Number(st.pid) > 0)) return false;
  if (alive(Number(st.pid))) return false;
  if (path) {
    const roots = [
      cgroupRoot,
      ...(await readdir(cgroupRoot)).map((e) => join(cgroupRoot, e)),
    ];
    for (const root of roots) {
      try {
        await rmdir(join(root, path));
      } catch (err) {
        // ENOENT/ENOTDIR: not in this hierarchy (or a file of the v2 root).
        if (!isErrno(err, "ENOENT") && !isErrno(err, "ENOTDIR")) return false;
      }
    }
  }
  await rm(stateDir, { recursive: true, force: true });
  return true;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return !isErrno(err, "ESRCH");
  }
}
