import { createReadStream, type Stats } from "node:fs";
import { lstat, readdir, readlink } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { PassThrough } from "node:stream";
import tar, { type Header, type Pack } from "tar-stream";

type Headers = Partial<Header> & { name: string };
import { lgetxattr } from "../syscalls.ts";
import { OPAQUE_WHITEOUT, OPAQUE_XATTR, WHITEOUT_PREFIX } from "./apply.ts";

/** One change between two trees, as moby's archive.Change. */
export type Change = { path: string; kind: "add" | "modify" | "delete" };

/**
 * Streams an overlay upper directory as a layer tar: overlay whiteouts
 * (0/0 character devices) become `.wh.NAME` entries and opaque directories
 * (trusted.overlay.opaque=y) get a `.wh..wh..opq` entry. Entries are sorted
 * by name so the same tree gives the same bytes, hence the same diffId.
 * Hardlinked files become one file plus `link` entries. `skip` leaves out
 * absolute paths ("/etc/hostname") and what is below them.
 */
export function diffTar(
  upper: string,
  options: {
    skip?: (path: string) => boolean;
    /** Maps each entry's owner (a user-namespaced container's host ids back to its own). */
    owner?: (uid: number, gid: number) => { uid: number; gid: number };
  } = {},
): Readable {
  const pack = tar.pack();
  const links = new Map<string, string>();
  const walk = async (rel: string): Promise<void> => {
    const names = (await readdir(join(upper, rel))).sort();
    for (const name of names) {
      const relPath = rel ? `${rel}/${name}` : name;
      if (options.skip?.(`/${relPath}`)) continue;
      const abs = join(upper, relPath);
      const st = await lstat(abs);
      if (options.owner) Object.assign(st, options.owner(st.uid, st.gid));
      if (st.isCharacterDevice() && st.rdev === 0) {
        await addEntry(pack, {
          ...baseHeader(st),
          name: whiteoutName(rel, name),
          type: "file",
          size: 0,
          mode: 0o644,
        });
        continue;
      }
      await addFile(pack, upper, relPath, st, links);
      if (st.isDirectory()) {
        if (lgetxattr(abs, OPAQUE_XATTR)?.toString() === "y")
          await addEntry(pack, {
            ...baseHeader(st),
            name: `${relPath}/${OPAQUE_WHITEOUT}`,
            type: "file",
            size: 0,
            mode: 0o644,
          });
        await walk(relPath);
      }
    }
  };
  walk("").then(
    () => pack.finalize(),
    (err: Error) => pack.destroy(err),
  );
  return toNode(pack);
}

/**
 * Streams the given paths of a full tree (root) as a layer tar, with
 * `.wh.NAME` entries for deleted paths: the copy store's diff, fed by a
 * Change list from changesBetween().
 */
export function changesTar(root: string, changes: Change[]): Readable {
  const pack = tar.pack();
  const links = new Map<string, string>();
  const run = async (): Promise<void> => {
    for (const c of [...changes].sort((a, b) => (a.path < b.path ? -1 : 1))) {
      const slash = c.path.lastIndexOf("/");
      if (c.kind === "delete") {
        const name = whiteoutName(
          slash === -1 ? "" : c.path.slice(0, slash),
          c.path.slice(slash + 1),
        );
        await addEntry(pack, {
          name,
          type: "file",
          size: 0,
          mode: 0o644,
          mtime: new Date(0),
          uid: 0,
          gid: 0,
        });
      } else
        await addFile(
          pack,
          root,
          c.path,
          await lstat(join(root, c.path)),
          links,
        );
    }
  };
  run().then(
    () => pack.finalize(),
    (err: Error) => pack.destroy(err),
  );
  return toNode(pack);
}

/** tar-stream packs are streamx streams: hand callers a Node stream. */
function toNode(pack: Pack): Readable {
  const out = new PassThrough();
  pack.on("error", (err: Error) => out.destroy(err));
  pack.pipe(out);
  return out;
}

/**
 * Compares a full tree with the tree it was copied from (moby's
 * ChangesDirs): added, modified (type, mode, owner, size, mtime or link
 * target differ) and deleted paths. A deleted directory is one change.
 */
export async function changesBetween(
  lower: string | undefined,
  upper: string,
): Promise<Change[]> {
  const out: Change[] = [];
  const walk = async (rel: string): Promise<void> => {
    const upperNames = new Set(await readdir(join(upper, rel)));
    const lowerNames = lower
      ? new Set(await readdir(join(lower, rel)).catch(() => []))
      : new Set<string>();
    for (const name of lowerNames)
      if (!upperNames.has(name))
        out.push({ path: join(rel, name), kind: "delete" });
    for (const name of upperNames) {
      const path = join(rel, name);
      const st = await lstat(join(upper, path));
      const old =
        lower && lowerNames.has(name)
          ? await lstat(join(lower, path))
          : undefined;
      if (!old) out.push({ path, kind: "add" });
      else if (await differs(old, st, join(lower!, path), join(upper, path)))
        out.push({ path, kind: "modify" });
      if (st.isDirectory()) await walk(path);
    }
  };
  await walk("");
  return out;
}

async function differs(
  a: Stats,
  b: Stats,
  pa: string,
  pb: string,
): Promise<boolean> {
  if ((a.mode & 0o170000) !== (b.mode & 0o170000)) return true;
  if (
    a.mode !== b.mode ||
    a.uid !== b.uid ||
    a.gid !== b.gid ||
    a.rdev !== b.rdev
  )
    return true;
  if (a.isDirectory()) return false; // directory mtimes change with children: ignore, as moby does
  if (a.size !== b.size || a.mtimeMs !== b.mtimeMs) return true;
  return a.isSymbolicLink() && (await readlink(pa)) !== (await readlink(pb));
}

function whiteoutName(dir: string, name: string): string {
  return dir ? `${dir}/${WHITEOUT_PREFIX}${name}` : `${WHITEOUT_PREFIX}${name}`;
}

function baseHeader(st: Stats): Omit<Headers, "name"> {
  return { uid: st.uid, gid: st.gid, mtime: st.mtime, mode: st.mode & 0o7777 };
}

async function addFile(
  pack: Pack,
  root: string,
  rel: string,
  st: Stats,
  links: Map<string, string>,
): Promise<void> {
  const abs = join(root, rel);
  const h: Headers = { ...baseHeader(st), name: rel };
  if (st.isDirectory())
    return addEntry(pack, { ...h, name: `${rel}/`, type: "directory" });
  if (st.isSymbolicLink())
    return addEntry(pack, {
      ...h,
      type: "symlink",
      linkname: await readlink(abs),
    });
  if (st.isCharacterDevice() || st.isBlockDevice())
    return addEntry(pack, {
      ...h,
      type: st.isCharacterDevice() ? "character-device" : "block-device",
      devmajor: Number((BigInt(st.rdev) >> 8n) & 0xfffn),
      devminor: Number(
        (BigInt(st.rdev) & 0xffn) | ((BigInt(st.rdev) >> 12n) & 0xfff00n),
      ),
    });
  if (st.isFIFO()) return addEntry(pack, { ...h, type: "fifo" });
  if (!st.isFile()) return; // sockets are not archived (moby skips them too)
  const key = `${st.dev}:${st.ino}`;
  const first = st.nlink > 1 ? links.get(key) : undefined;
  if (first !== undefined)
    return addEntry(pack, { ...h, type: "link", linkname: first, size: 0 });
  if (st.nlink > 1) links.set(key, rel);
  await new Promise<void>((resolve, reject) => {
    const sink = pack.entry({ ...h, type: "file", size: st.size }, (err) =>
      err ? reject(err) : resolve(),
    );
    createReadStream(abs).on("error", reject).pipe(sink);
  });
}

function addEntry(pack: Pack, h: Headers): Promise<void> {
  // An empty buffer ends the entry at once (without one, a size-0 file waits for a writer).
  return new Promise((resolve, reject) =>
    pack.entry(h, Buffer.alloc(0), (err) => (err ? reject(err) : resolve())),
  );
}
