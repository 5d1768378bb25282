import { readFile } from "node:fs/promises";

/** mount(2) flag bits for the option words mount(8) accepts (linux/mount.h). */
const FLAGS: Record<string, { set: boolean; bit: number }> = {
  ro: { set: true, bit: 1 },
  rw: { set: false, bit: 1 },
  nosuid: { set: true, bit: 2 },
  suid: { set: false, bit: 2 },
  nodev: { set: true, bit: 4 },
  dev: { set: false, bit: 4 },
  noexec: { set: true, bit: 8 },
  exec: { set: false, bit: 8 },
  sync: { set: true, bit: 16 },
  async: { set: false, bit: 16 },
  dirsync: { set: true, bit: 128 },
  noatime: { set: true, bit: 1024 },
  atime: { set: false, bit: 1024 },
  nodiratime: { set: true, bit: 2048 },
  diratime: { set: false, bit: 2048 },
  bind: { set: true, bit: 4096 },
  rbind: { set: true, bit: 4096 | 16384 },
  relatime: { set: true, bit: 1 << 21 },
  norelatime: { set: false, bit: 1 << 21 },
  strictatime: { set: true, bit: 1 << 24 },
  nostrictatime: { set: false, bit: 1 << 24 },
};

/**
 * Splits mount(8)-style options ("size=1m,ro,bind") into mount(2) flags
 * and the data string the filesystem parses, as moby/sys/mount does.
 * Pure.
 */
export function parseMountOptions(options: string): {
  flags: number;
  data: string;
} {
  let flags = 0;
  const data: string[] = [];
  for (const word of options.split(",")) {
    if (!word) continue;
    const f = FLAGS[word];
    if (!f) data.push(word);
    else if (f.set) flags |= f.bit;
    else flags &= ~f.bit;
  }
  return { flags, data: data.join(",") };
}

/** True when path is a mount point in wharfd's mount namespace. */
export async function isMountPoint(path: string): Promise<boolean> {
  const info = await readFile("/proc/self/mountinfo", "utf8");
  // mountinfo escapes space, tab, newline and backslash as octal (proc(5)).
  const escaped = path.replace(
    /[ \t\n\\]/g,
    (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, "0")}`,
  );
  return info.split("\n").some((line) => line.split(" ")[4] === escaped);
}
