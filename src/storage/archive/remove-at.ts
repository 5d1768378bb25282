import { constants, openSync } from "node:fs";
import { lstat, readdir, rmdir, unlink } from "node:fs/promises";
import { isErrno } from "../../util/errors.ts";
import { O_PATH } from "../syscalls.ts";
import { closeFd, procPath } from "./root-dir.ts";

/**
 * Removes `name` under the directory fd dirFd, recursively, never
 * following a symlink: each directory is opened with O_NOFOLLOW and its
 * children are removed through that fd, so a directory swapped for a
 * symlink mid-way makes the removal fail (ENOTDIR/ELOOP) instead of
 * deleting what the link points to. Node's rm({recursive}) walks by path
 * and would follow such a swap. No-op when name is missing.
 */
export async function removeAt(dirFd: number, name: string): Promise<void> {
  const at = procPath(dirFd, name);
  let st;
  try {
    st = await lstat(at);
  } catch (err) {
    if (isErrno(err, "ENOENT")) return;
    throw err;
  }
  if (!st.isDirectory()) return void (await unlink(at));
  const fd = openSync(
    at,
    O_PATH | constants.O_DIRECTORY | constants.O_NOFOLLOW,
  );
  try {
    for (const child of await readdir(procPath(fd))) await removeAt(fd, child);
  } finally {
    closeFd(fd);
  }
  await rmdir(at);
}
