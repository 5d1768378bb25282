import { lstat, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { InvalidArgumentError } from "../../util/errors.ts";
import { readJsonIfExists, writeJsonAtomic } from "../../util/fs.ts";
import type { SnapshotInfo, Usage } from "./layer-store.ts";

/** Helpers shared by the layer store implementations. */

/** Directory name for a key or name: "sha256:" dropped, anything but [A-Za-z0-9_.-] refused. */
export function snapshotDirName(key: string): string {
  const name = key.replace(/^sha256:/, "");
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name) || name.length > 128)
    throw new InvalidArgumentError(
      `invalid snapshot key: ${JSON.stringify(key)}`,
    );
  return name;
}

/** Reads <dir>/snapshot.json; undefined when absent. */
export function readInfo(dir: string): Promise<SnapshotInfo | undefined> {
  return readJsonIfExists<SnapshotInfo>(join(dir, "snapshot.json"));
}

/** Writes <dir>/snapshot.json atomically. */
export function writeInfo(dir: string, info: SnapshotInfo): Promise<void> {
  return writeJsonAtomic(join(dir, "snapshot.json"), info);
}

/**
 * Bytes (sum of st_size of everything but directories, hardlinks once) and
 * inodes below path, as moby's directory.Size counts them.
 */
export async function treeUsage(path: string): Promise<Usage> {
  const seen = new Set<string>();
  let size = 0;
  let inodes = 0;
  const walk = async (p: string): Promise<void> => {
    for (const name of await readdir(p)) {
      const child = join(p, name);
      const st = await lstat(child);
      const id = `${st.dev}:${st.ino}`;
      if (seen.has(id)) continue;
      seen.add(id);
      inodes++;
      if (st.isDirectory()) await walk(child);
      else size += st.size;
    }
  };
  await walk(path);
  return { size, inodes };
}

/** True when path is a mount point, per /proc/self/mountinfo (field 5). */
export async function isMountPoint(path: string): Promise<boolean> {
  const text = await readFile("/proc/self/mountinfo", "utf8");
  for (const line of text.split("\n")) {
    const mp = line.split(" ")[4];
    if (mp !== undefined && unescapeMountinfo(mp) === path) return true;
  }
  return false;
}

function unescapeMountinfo(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, oct: string) =>
    String.fromCharCode(parseInt(oct, 8)),
  );
}
