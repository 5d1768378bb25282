import { readFile } from "node:fs/promises";

/** Looks a group up in /etc/group; returns its gid, or undefined when it does not exist. */
export async function getgrnam(name: string): Promise<number | undefined> {
  if (/^\d+$/.test(name)) return Number(name);
  try {
    for (const line of (await readFile("/etc/group", "utf8")).split("\n")) {
      const [n, , gid] = line.split(":");
      if (n === name && gid !== undefined) return Number(gid);
    }
  } catch {
    // No /etc/group: no group to give the socket.
  }
  return undefined;
}
