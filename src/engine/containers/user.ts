import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { InvalidArgumentError } from "../../util/errors.ts";

/** A resolved process identity. */
export type ResolvedUser = {
  uid: number;
  gid: number;
  additionalGids: number[];
};

/**
 * Resolves Docker's User field ("", "name", "uid", "name:group",
 * "uid:gid") against the container's /etc/passwd and /etc/group, as runc's
 * user lookup does. Numeric ids need no entry. Throws InvalidArgumentError
 * with Docker's text when a name is unknown.
 */
export async function resolveUser(
  rootfs: string,
  spec: string,
  extraGroups: string[] = [],
): Promise<ResolvedUser> {
  const [passwd, group] = await Promise.all([
    readEtc(rootfs, "passwd"),
    readEtc(rootfs, "group"),
  ]);
  return resolveUserFrom(spec, passwd, group, extraGroups);
}

/** resolveUser on file contents (pure, for tests). */
export function resolveUserFrom(
  spec: string,
  passwd: string,
  group: string,
  extraGroups: string[] = [],
): ResolvedUser {
  const [u = "", g] = spec.split(":");
  const users = rows(passwd);
  const groups = rows(group);
  let uid = 0;
  let gid = 0;
  let userName: string | undefined = "root";
  if (u !== "") {
    const entry =
      users.find((f) => f[0] === u) ??
      (isNum(u) ? users.find((f) => f[2] === u) : undefined);
    if (entry) {
      uid = Number(entry[2]);
      gid = Number(entry[3]);
      userName = entry[0];
    } else if (isNum(u)) {
      uid = Number(u);
      userName = undefined;
    } else
      throw new InvalidArgumentError(
        `unable to find user ${u}: no matching entries in passwd file`,
      );
  } else {
    const root = users.find((f) => f[2] === "0");
    if (root) userName = root[0];
  }
  if (g !== undefined && g !== "") gid = lookupGroup(g, groups);
  // compat: runc's GetExecUser lists the primary group first among the
  // supplementary ones, so `id` shows groups=0(root),10(wheel) as in Docker.
  const additional = new Set<number>([gid]);
  if (userName !== undefined)
    for (const f of groups)
      if ((f[3] ?? "").split(",").includes(userName))
        additional.add(Number(f[2]));
  for (const eg of extraGroups) additional.add(lookupGroup(eg, groups));
  return { uid, gid, additionalGids: [...additional] };
}

function lookupGroup(g: string, groups: string[][]): number {
  const entry = groups.find((f) => f[0] === g);
  if (entry) return Number(entry[2]);
  if (isNum(g)) return Number(g);
  throw new InvalidArgumentError(
    `unable to find group ${g}: no matching entries in group file`,
  );
}

function rows(text: string): string[][] {
  return text
    .split("\n")
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => l.split(":"));
}

function isNum(s: string): boolean {
  return /^\d+$/.test(s);
}

async function readEtc(rootfs: string, name: string): Promise<string> {
  try {
    return await readFile(join(rootfs, "etc", name), "utf8");
  } catch {
    return "";
  }
}
