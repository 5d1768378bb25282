import { lstat, chown, chmod, readdir } from "node:fs/promises";
import { execFile } from "../../util/exec.ts";
import { errorMessage, isErrno } from "../../util/errors.ts";

/**
 * Docker's copy-up: when an empty volume is mounted over a directory of
 * the image, the directory's content is copied into the volume first, with
 * owners, modes, times, xattrs and hard links kept (`cp -a`), and the
 * volume's root takes the directory's owner and mode. Does nothing when
 * `source` is not a directory or `target` is not empty. `source` is a
 * path inside the container's mounted rootfs, already resolved by the
 * caller without leaving it.
 */
export async function copyUp(source: string, target: string): Promise<void> {
  const st = await lstat(source).catch((err: unknown) => {
    if (isErrno(err, "ENOENT") || isErrno(err, "ENOTDIR")) return undefined;
    throw err;
  });
  if (!st?.isDirectory()) return;
  if ((await readdir(target)).length) return;
  if ((await readdir(source)).length) {
    const r = await execFile("cp", ["-a", "--", `${source}/.`, `${target}/`]);
    if (r.code !== 0)
      throw new Error(`copying image content into volume: ${r.stderr.trim()}`);
  }
  try {
    await chown(target, st.uid, st.gid);
    await chmod(target, st.mode & 0o7777);
  } catch (err) {
    throw new Error(`copying image content into volume: ${errorMessage(err)}`);
  }
}
