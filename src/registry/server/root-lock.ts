import { open, readFile, rm, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { isErrno } from "../../util/errors.ts";

/** Name of the lock file at the top of a filesystem root (see storage/paths.ts). */
export const LOCK_FILE = "wharf-registry.lock";

/**
 * Takes the root's lock for this process: writes our pid to the lock file,
 * replacing a stale one whose process is gone. Throws when a live process
 * holds it (a second server, or gc while serving). Returns the release function.
 */
export async function lockRoot(
  root: string,
  what: string,
): Promise<() => Promise<void>> {
  await mkdir(root, { recursive: true });
  const path = join(root, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(path, "wx");
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      return () => rm(path, { force: true });
    } catch (err) {
      if (!isErrno(err, "EEXIST")) throw err;
    }
    const holder = await lockHolder(root);
    if (holder !== undefined)
      throw new Error(
        `cannot ${what}: ${root} is in use by wharf-registry process ${holder}`,
      );
    await rm(path, { force: true });
  }
  throw new Error(`cannot ${what}: could not take the lock ${path}`);
}

/** The pid of the live process holding the root's lock, or undefined. */
export async function lockHolder(root: string): Promise<number | undefined> {
  let pid: number;
  try {
    pid = Number((await readFile(join(root, LOCK_FILE), "utf8")).trim());
  } catch (err) {
    if (isErrno(err, "ENOENT")) return undefined;
    throw err;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (err) {
    return isErrno(err, "EPERM") ? pid : undefined;
  }
}
