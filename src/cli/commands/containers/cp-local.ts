/**
 * The client half of `docker cp` (moby pkg/archive copy.go), done locally
 * as the Docker CLI does: path splitting, rebase of entry names, packing a
 * local path, and a confined extraction of what the daemon sends.
 */
import { createReadStream, type Stats } from "node:fs";
import {
  chmod,
  lstat,
  mkdir,
  open,
  readdir,
  readlink,
  rm,
  stat,
  symlink,
  lutimes,
} from "node:fs/promises";
import { posix } from "node:path";
import { PassThrough, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import tar, { type Header, type Pack } from "tar-stream";

/** What a copy knows about one side (moby's CopyInfo). */
export type CopyInfo = {
  path: string;
  exists: boolean;
  isDir: boolean;
  rebaseName: string;
};

/** Go's filepath.Base("x/.") == "." test. */
const currentDir = (p: string): boolean => p === "." || p.endsWith("/.");
const trailingSep = (p: string): boolean => p.endsWith("/");

/** moby SplitPathDirEntry: dir and base, keeping a trailing "/." as base ".". */
export function splitPathDirEntry(path: string): [string, string] {
  let clean = posix.normalize(path).replace(/(.)\/+$/, "$1");
  if (currentDir(path) && !currentDir(clean)) clean += "/.";
  const base = clean === "/" ? "/" : posix.basename(clean);
  return [posix.dirname(clean), base];
}

/** moby GetRebaseName: keeps "/." and "/" of path on the resolved one; the rebase name when the base changed. */
export function getRebaseName(
  path: string,
  resolved: string,
): [string, string] {
  let out = resolved;
  if (currentDir(path) && !currentDir(out)) out += "/.";
  if (trailingSep(path) && !trailingSep(out)) out += "/";
  const base = (p: string) => splitPathDirEntry(p)[1];
  return [out, base(path) !== base(out) ? base(path) : ""];
}

/**
 * moby PrepareArchiveCopy: the directory to extract into and the rebase
 * (old first name → new) so the copy lands where cp's rules say. Throws
 * Docker's "cannot copy directory" / "no such directory".
 */
export function prepareArchiveCopy(
  src: CopyInfo,
  dst: CopyInfo,
): { dir: string; rebase?: [string, string] } {
  const [dstDir, dstBase] = splitPathDirEntry(dst.path);
  let [, srcBase] = splitPathDirEntry(src.path);
  if (src.rebaseName) srcBase = src.rebaseName;
  if (dst.exists && dst.isDir) return { dir: dst.path };
  if (dst.exists && src.isDir) throw new Error("cannot copy directory");
  if (
    !dst.exists &&
    !src.isDir &&
    (trailingSep(dst.path) || currentDir(dst.path))
  )
    throw new Error("no such directory");
  return { dir: dstDir, rebase: [srcBase, dstBase] };
}

/** Renames an entry's first name as moby's RebaseArchiveEntries (oldBase "/" means prepend). */
export function rebaseName(
  name: string,
  rebase: [string, string] | undefined,
): string {
  if (!rebase) return name;
  const [from, to] = rebase;
  if (from === "/" || from === "") return to + name;
  return name.replace(from, to);
}

/** Packs a local path as moby's TarResourceRebase: entries named from its base ("./x" for "dir/."), renamed by rebase. */
export function packLocal(path: string, rebase?: [string, string]): Readable {
  const [dir, base] = splitPathDirEntry(path);
  const pack = tar.pack();
  const add = async (rel: string, name: string): Promise<void> => {
    const abs = posix.join(dir, rel);
    const st = await lstat(abs);
    const h = {
      name: rebaseName(name, rebase),
      mode: st.mode & 0o7777,
      uid: st.uid,
      gid: st.gid,
      mtime: st.mtime,
    };
    if (st.isDirectory()) {
      await entry(pack, {
        ...h,
        name: `${h.name.replace(/\/$/, "")}/`,
        type: "directory",
      });
      for (const child of (await readdir(abs)).sort())
        await add(
          posix.join(rel, child),
          `${name.replace(/\/$/, "")}/${child}`,
        );
    } else if (st.isSymbolicLink())
      await entry(pack, {
        ...h,
        type: "symlink",
        linkname: await readlink(abs),
      });
    else if (st.isFile())
      await fileEntry(pack, { ...h, type: "file", size: st.size }, abs);
  };
  add(base, base === "." ? "." : base).then(
    () => pack.finalize(),
    (err: Error) => pack.destroy(err),
  );
  const out = new PassThrough();
  pack.on("error", (err: Error) => out.destroy(err));
  pack.pipe(out);
  return out;
}

function entry(
  pack: Pack,
  h: Partial<Header> & { name: string },
): Promise<void> {
  return new Promise((ok, fail) =>
    pack.entry(h, Buffer.alloc(0), (e) => (e ? fail(e) : ok())),
  );
}

function fileEntry(
  pack: Pack,
  h: Partial<Header> & { name: string },
  abs: string,
): Promise<void> {
  return new Promise((ok, fail) => {
    const sink = pack.entry(h, (e) => (e ? fail(e) : ok()));
    createReadStream(abs).on("error", fail).pipe(sink);
  });
}

/**
 * Extracts the daemon's tar into dir (moby's Untar with NoLchown and
 * NoOverwriteDirNonDir): names that climb out, and entries below a
 * symlink, are refused, so a container's symlink can never make the
 * copy write outside dir on this machine (CVE-2019-14271 class).
 */
export async function extractLocal(
  source: Readable,
  dir: string,
  rebase: [string, string] | undefined,
): Promise<void> {
  const extract = tar.extract();
  const pumping = pipeline(source, extract);
  const dirTimes: Array<[string, Date]> = [];
  for await (const e of extract) {
    const h = e.header;
    const rel = posix.normalize(rebaseName(h.name, rebase).replace(/^\/+/, ""));
    if (rel === ".." || rel.startsWith("../"))
      throw new Error(
        `${JSON.stringify(h.name)} is outside of ${JSON.stringify(dir)}`,
      );
    const path = posix.join(dir, rel);
    if (rel === "." || rel === "./") {
      for await (const _ of e) void _;
      continue;
    }
    await checkParents(dir, rel);
    const existing: Stats | undefined = await lstat(path).catch(
      () => undefined,
    );
    const isDir = h.type === "directory";
    if (existing?.isDirectory() && !isDir)
      throw new Error(
        `cannot overwrite directory "${path}" with non-directory "${h.name}"`,
      );
    if (existing && !existing.isDirectory() && isDir)
      throw new Error(
        `cannot overwrite non-directory "${path}" with directory "${h.name}"`,
      );
    if (existing && !isDir) await rm(path, { force: true });
    const mode = (h.mode ?? 0o644) & 0o7777;
    if (isDir) {
      if (!existing) await mkdir(path, { mode });
      dirTimes.push([path, h.mtime ?? new Date()]);
    } else if (h.type === "symlink") await symlink(h.linkname ?? "", path);
    else if (h.type === "file" || h.type === undefined || h.type === null) {
      const fh = await open(path, "wx", mode);
      try {
        for await (const chunk of e) await fh.write(chunk as Buffer);
      } finally {
        await fh.close();
      }
    }
    for await (const _ of e) void _;
    if (h.type !== "symlink") await chmod(path, mode);
    if (!isDir)
      await lutimes(path, h.mtime ?? new Date(), h.mtime ?? new Date());
  }
  await pumping;
  for (const [p, t] of dirTimes.reverse())
    await lutimes(p, t, t).catch(() => undefined);
}

async function checkParents(dir: string, rel: string): Promise<void> {
  let p = dir;
  for (const c of posix
    .dirname(rel)
    .split("/")
    .filter((x) => x && x !== ".")) {
    p = posix.join(p, c);
    const st = await lstat(p).catch(() => undefined);
    if (!st) await mkdir(p, { mode: 0o755 });
    else if (!st.isDirectory())
      throw new Error(`refusing to extract below ${p}: not a directory`);
  }
}

/** moby CopyInfoDestinationPath: follows local symlinks; a missing path needs an existing parent directory. */
export async function destinationInfo(path: string): Promise<CopyInfo> {
  let p = path;
  for (let n = 0; n <= 10; n++) {
    const st = await lstat(p).catch(() => undefined);
    if (!st) {
      const parent = await stat(splitPathDirEntry(p)[0]);
      if (!parent.isDirectory()) throw new Error("not a directory");
      return { path: p, exists: false, isDir: false, rebaseName: "" };
    }
    if (!st.isSymbolicLink())
      return { path: p, exists: true, isDir: st.isDirectory(), rebaseName: "" };
    const target = await readlink(p);
    p = target.startsWith("/")
      ? target
      : posix.join(splitPathDirEntry(p)[0], target);
  }
  throw new Error(`too many symlinks in ${path}`);
}
