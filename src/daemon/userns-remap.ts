/**
 * daemon.json `userns-remap`: which host user's subordinate ids container
 * root and its users map to (moby daemon_unix.go parseRemappedRoot and
 * setupRemappedRoot, usergroup.AddNamespaceRangesUser). Values:
 *
 *   "default"        the user and group `wharf` (dockerd's `dockremap`),
 *                    created if missing, with a 65536-id range added to
 *                    subuid and subgid when it has none
 *   "user", "user:group", "uid", "uid:gid"
 *                    an existing user (and group); its ranges must exist
 *
 * The user's ranges come from both files by its name or uid (moby reads
 * subgid by the *user* too). Users and groups are read from the passwd and
 * group files (not NSS). Every path is injectable so unit tests use a fake
 * directory instead of the host's /etc.
 */
import { appendFile, readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import type { IdMappings } from "../oci/id-mapping.ts";
import {
  DEFAULT_RANGE_LEN,
  mappingsFromRanges,
  nextRangeStart,
  parseSubIds,
  rangesOf,
  subIdLine,
} from "../security/subid.ts";
import { InvalidArgumentError, errorMessage, isErrno } from "../util/errors.ts";
import { execFile } from "../util/exec.ts";

/** The host files the remapping reads and writes, and how a system user is added. */
export type HostIdFiles = {
  passwd: string;
  group: string;
  subuid: string;
  subgid: string;
  /** Adds a system user and its group (adduser/useradd on the host). */
  addUser: (name: string) => Promise<void>;
};

/** The user `default` stands for (dockerd's `dockremap`; this project's name). */
export const DEFAULT_REMAP_USER = "wharf";

/** The host's own files and tools. */
export const hostIdFiles: HostIdFiles = {
  passwd: "/etc/passwd",
  group: "/etc/group",
  subuid: "/etc/subuid",
  subgid: "/etc/subgid",
  addUser: addSystemUser,
};

/** What a remapping resolved to. */
export type Remap = { user: string; group: string; mappings: IdMappings };

type Entry = { name: string; id: number };

/**
 * Resolves a userns-remap value. Returns undefined for `root` (dockerd
 * turns remapping off then, with a warning the caller logs). Throws
 * InvalidArgumentError with dockerd's texts for unknown users/groups and
 * missing ranges; `default` creates what is missing first.
 */
export async function resolveRemap(
  spec: string,
  files: HostIdFiles = hostIdFiles,
): Promise<Remap | undefined> {
  const parts = spec.split(":");
  if (parts.length > 2)
    throw new InvalidArgumentError(
      `Invalid user/group specification in --userns-remap: "${spec}"`,
    );
  const [u = "", g] = parts;
  let users = await entries(files.passwd);
  let groups = await entries(files.group);
  let user: Entry | undefined;
  let group: Entry | undefined;
  if (/^-?\d+$/.test(u)) {
    const uid = Number(u);
    user = users.find((e) => e.id === uid);
    if (!user)
      throw new InvalidArgumentError(
        `Uid ${uid} has no entry in /etc/passwd: ${notFound(u, "passwd")}`,
      );
    if (g === undefined) {
      group = groups.find((e) => e.id === uid);
      if (!group)
        throw new InvalidArgumentError(
          `Gid ${uid} has no entry in /etc/group: ${notFound(u, "group")}`,
        );
    }
  } else {
    const name = u === "default" ? DEFAULT_REMAP_USER : u;
    user = users.find((e) => e.name === name);
    if (!user && u === "default") {
      try {
        await files.addUser(name);
      } catch (err) {
        throw new InvalidArgumentError(
          `Error during "${name}" user creation: error adding user "${name}": ${errorMessage(err)}`,
        );
      }
      users = await entries(files.passwd);
      groups = await entries(files.group);
      user = users.find((e) => e.name === name);
    }
    if (!user)
      throw new InvalidArgumentError(
        `Error during uid lookup for "${name}": ${notFound(name, "passwd")}`,
      );
    if (g === undefined) {
      group = groups.find((e) => e.name === name);
      if (!group)
        throw new InvalidArgumentError(
          `Error during gid lookup for "${name}": ${notFound(name, "group")}`,
        );
    }
    if (u === "default") await ensureRanges(user, files);
  }
  if (g !== undefined) group = findGroup(g, groups);
  if (user.name === "root") return undefined;
  const subuids = rangesOf(
    parseSubIds(await readOr(files.subuid)),
    asUser(user),
  );
  const subgids = rangesOf(
    parseSubIds(await readOr(files.subgid)),
    asUser(user),
  );
  // compat: moby reports a missing subgid range with the subuid wording too.
  if (!subuids.length || !subgids.length)
    throw new InvalidArgumentError(
      `error creating ID mappings: no subuid ranges found for user "${user.name}"`,
    );
  return {
    user: user.name,
    group: group!.name,
    mappings: {
      uidMappings: mappingsFromRanges(subuids),
      gidMappings: mappingsFromRanges(subgids),
    },
  };
}

function findGroup(g: string, groups: Entry[]): Entry {
  if (/^-?\d+$/.test(g)) {
    const found = groups.find((e) => e.id === Number(g));
    // compat: moby's text says /etc/passwd for a missing gid here.
    if (!found)
      throw new InvalidArgumentError(
        `Gid ${Number(g)} has no entry in /etc/passwd: ${notFound(g, "group")}`,
      );
    return found;
  }
  const found = groups.find((e) => e.name === g);
  if (!found)
    throw new InvalidArgumentError(
      `Error during groupname lookup for "${g}": ${notFound(g, "group")}`,
    );
  return found;
}

/** Adds a 65536-id range after the highest existing one to each file that has none for the user. */
async function ensureRanges(user: Entry, files: HostIdFiles): Promise<void> {
  for (const path of [files.subuid, files.subgid]) {
    const all = parseSubIds(await readOr(path));
    if (rangesOf(all, asUser(user)).length) continue;
    const start = nextRangeStart(all);
    const text = await readOr(path);
    const sep = text && !text.endsWith("\n") ? "\n" : "";
    await appendFile(
      path,
      sep + subIdLine(user.name, start, DEFAULT_RANGE_LEN),
      {
        mode: 0o644,
      },
    );
  }
}

/** getent's wording, which dockerd passes on. */
function notFound(key: string, db: string): string {
  return `getent unable to find entry "${key}" in ${db} database`;
}

/** name:x:id:… lines of a passwd or group file. */
async function entries(path: string): Promise<Entry[]> {
  const out: Entry[] = [];
  for (const line of (await readOr(path)).split("\n")) {
    const [name, , id] = line.split(":");
    if (name && id !== undefined && /^\d+$/.test(id))
      out.push({ name, id: Number(id) });
  }
  return out;
}

async function readOr(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    if (isErrno(err, "ENOENT")) return "";
    throw err;
  }
}

/**
 * Adds a system user with its own group, as dockerd does: adduser where
 * Debian's is installed, else useradd.
 */
async function addSystemUser(name: string): Promise<void> {
  const adduser = ["/usr/sbin/adduser", "/sbin/adduser"].find(existsSync);
  const r = adduser
    ? await execFile(adduser, [
        "--system",
        "--shell",
        "/bin/false",
        "--no-create-home",
        "--disabled-login",
        "--disabled-password",
        "--group",
        name,
      ])
    : await execFile("useradd", ["-r", "-U", "-s", "/bin/false", name]);
  if (r.code !== 0)
    throw new Error(
      `failed to add user with error: exit status ${r.code}; output: ${JSON.stringify(r.stdout + r.stderr)}`,
    );
}

function asUser(e: Entry): { name: string; uid: number } {
  return { name: e.name, uid: e.id };
}
