import { lstat, mkdir, readlink } from "node:fs/promises";
import { join, posix } from "node:path";
import { InvalidArgumentError, isErrno } from "../../util/errors.ts";

/**
 * Path handling that never leaves a root directory, the defence against the
 * CVE-2018-15664 / "tar slip" class: member names are cleaned and refused
 * when they climb out, and symlinks met on the way are resolved as if root
 * were `/` (as a chroot would), never by the kernel.
 */

/**
 * Cleans a tar member name to components relative to the root. Refuses
 * absolute names and names whose `..` climb above the root. Returns [] for
 * the root itself ("./", ".").
 */
export function memberComponents(name: string): string[] {
  if (name.startsWith("/"))
    throw new InvalidArgumentError(
      `invalid tar member ${JSON.stringify(name)}: absolute path`,
    );
  const clean = posix.normalize(name);
  if (clean === ".." || clean.startsWith("../"))
    throw new InvalidArgumentError(
      `invalid tar member ${JSON.stringify(name)}: path escapes the root`,
    );
  return clean.split("/").filter((c) => c !== "" && c !== ".");
}

const MAX_HOPS = 40;

/**
 * Resolves directory components under root, following symlinks inside the
 * root only (an absolute link target restarts at root, `..` stops at root).
 * With `create`, missing directories are made with mode 0755, as Docker does
 * for parents a layer tar does not list. Returns the real absolute path,
 * whose every component is a directory (the last may be a file when
 * `file` is set: for reading members of an unpacked archive). Throws InvalidArgumentError when a
 * component is not a directory or symlinks loop.
 */
export async function resolveDirInRoot(
  root: string,
  components: readonly string[],
  options: { create: boolean; file?: boolean },
): Promise<string> {
  const done: string[] = [];
  const queue = [...components];
  let hops = 0;
  while (queue.length > 0) {
    const c = queue.shift()!;
    if (c === "" || c === ".") continue;
    if (c === "..") {
      done.pop();
      continue;
    }
    const p = join(root, ...done, c);
    let st;
    try {
      st = await lstat(p);
    } catch (err) {
      if (!isErrno(err, "ENOENT") || !options.create) throw err;
      await mkdir(p, { mode: 0o755 });
      done.push(c);
      continue;
    }
    if (st.isSymbolicLink()) {
      if (++hops > MAX_HOPS)
        throw new InvalidArgumentError(
          `too many levels of symbolic links at ${join(...done, c)}`,
        );
      const target = await readlink(p);
      if (target.startsWith("/")) done.length = 0;
      queue.unshift(...target.split("/"));
      continue;
    }
    // With `file`, the last component may be something other than a directory.
    if (!st.isDirectory() && !(options.file && queue.length === 0))
      throw new InvalidArgumentError(`${join(...done, c)} is not a directory`);
    done.push(c);
  }
  return join(root, ...done);
}
