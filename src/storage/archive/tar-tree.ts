import { constants, fstat, openSync, type Stats } from "node:fs";
import { lstat, open, readdir, readlink } from "node:fs/promises";
import { PassThrough, type Readable } from "node:stream";
import { promisify } from "node:util";
import tar, { type Header, type Pack } from "tar-stream";
import { O_PATH } from "../syscalls.ts";
import { isMissing, type FsScope } from "./fs-scope.ts";
import { closeFd, procPath } from "./root-dir.ts";

const fstatFd = promisify(fstat);
type Headers = Partial<Header> & { name: string };

/**
 * Streams a tree of a container's filesystem as a tar, reading through fds
 * only (see RootDir): directories are opened with O_NOFOLLOW|O_DIRECTORY,
 * files with O_NOFOLLOW|O_NONBLOCK and checked to still be regular files
 * after open, so a path swapped for a symlink or FIFO mid-copy is never
 * followed (it is skipped or archived as what it now is). Mount points
 * inside the tree are entered through their own root. `entries` names the
 * top entry ("" = no top entry, children at the top level, as export).
 */
export function tarTree(
  scope: FsScope,
  start: { path: string; name: string },
  options: { owner?: OwnerMap } = {},
): Readable {
  const pack = tar.pack();
  const walker = new TreeWalker(scope, pack, options.owner);
  // A consumer that goes away destroys the pack: stop walking, never throw.
  const closed = (): boolean =>
    (pack as unknown as { destroying: boolean }).destroying;
  walker.top(start.path, start.name).then(
    () => void (closed() || pack.finalize()),
    (err: Error) => void (closed() || pack.destroy(err)),
  );
  const out = new PassThrough();
  pack.on("error", (err: Error) => out.destroy(err));
  out.once("close", () => closed() || pack.destroy());
  pack.pipe(out);
  return out;
}

class TreeWalker {
  #scope: FsScope;
  #pack: Pack;
  #links = new Map<string, string>();
  #owner: OwnerMap | undefined;

  constructor(scope: FsScope, pack: Pack, owner?: OwnerMap) {
    this.#scope = scope;
    this.#pack = pack;
    this.#owner = owner;
  }

  #header(st: Stats): Omit<Headers, "name"> {
    const h = header(st);
    return this.#owner ? { ...h, ...this.#owner(st.uid, st.gid) } : h;
  }

  /** Archives path (canonical, not followed) under entry name `name`. */
  async top(path: string, name: string): Promise<void> {
    const { dirFd, name: base } = this.#scope.openParent(path);
    try {
      await this.#entry(dirFd, base, path, name);
    } finally {
      closeFd(dirFd);
    }
  }

  async #entry(
    dirFd: number,
    base: string,
    path: string,
    name: string,
  ): Promise<void> {
    const p = procPath(dirFd, base);
    let st: Stats;
    try {
      st = await lstat(p);
    } catch (err) {
      if (isMissing(err)) return; // removed while we walk
      throw err;
    }
    if (st.isDirectory()) return this.#dir(p, path, name);
    if (st.isFile()) return this.#file(p, name);
    const h: Headers = { ...this.#header(st), name };
    if (st.isSymbolicLink())
      return this.#add({ ...h, type: "symlink", linkname: await readlink(p) });
    if (st.isCharacterDevice() || st.isBlockDevice())
      return this.#add({
        ...h,
        type: st.isCharacterDevice() ? "character-device" : "block-device",
        devmajor: Number((BigInt(st.rdev) >> 8n) & 0xfffn),
        devminor: Number(
          (BigInt(st.rdev) & 0xffn) | ((BigInt(st.rdev) >> 12n) & 0xfff00n),
        ),
      });
    if (st.isFIFO()) return this.#add({ ...h, type: "fifo" });
    // Sockets are not archived (moby skips them too).
  }

  async #dir(p: string, path: string, name: string): Promise<void> {
    let fd: number;
    try {
      fd = openSync(p, O_PATH | constants.O_DIRECTORY | constants.O_NOFOLLOW);
    } catch (err) {
      // Swapped for a symlink or removed since lstat: not followed.
      if (isMissing(err) || (err as { code?: string }).code === "ELOOP") return;
      throw err;
    }
    try {
      if (name !== "")
        await this.#add({
          ...this.#header(await fstatFd(fd)),
          name: name.endsWith("/") ? name : `${name}/`,
          type: "directory",
        });
      for (const child of (await readdir(procPath(fd))).sort()) {
        const childPath = path === "/" ? `/${child}` : `${path}/${child}`;
        const childName =
          name === "" ? child : `${name.replace(/\/$/, "")}/${child}`;
        if (this.#scope.isMountPoint(childPath))
          await this.top(childPath, childName);
        else await this.#entry(fd, child, childPath, childName);
      }
    } finally {
      closeFd(fd);
    }
  }

  async #file(p: string, name: string): Promise<void> {
    let fh;
    try {
      fh = await open(
        p,
        constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK,
      );
    } catch (err) {
      if (isMissing(err) || (err as { code?: string }).code === "ELOOP") return;
      throw err;
    }
    try {
      const st = await fh.stat();
      if (!st.isFile()) return; // swapped since lstat: skip rather than block on a FIFO
      const h: Headers = { ...this.#header(st), name };
      const key = `${st.dev}:${st.ino}`;
      const first = st.nlink > 1 ? this.#links.get(key) : undefined;
      if (first !== undefined)
        return this.#add({ ...h, type: "link", linkname: first, size: 0 });
      if (st.nlink > 1) this.#links.set(key, name);
      if (st.size === 0) return this.#add({ ...h, type: "file", size: 0 });
      this.#closed();
      await new Promise<void>((resolve, reject) => {
        const sink = this.#pack.entry(
          { ...h, type: "file", size: st.size },
          (err) => (err ? reject(err) : resolve()),
        );
        fh.createReadStream({ autoClose: false, end: st.size - 1 })
          .on("error", reject)
          .pipe(sink);
      });
    } finally {
      await fh.close();
    }
  }

  #closed(): void {
    if ((this.#pack as unknown as { destroying: boolean }).destroying)
      throw new Error("tar stream closed by its reader");
  }

  #add(h: Headers): Promise<void> {
    this.#closed();
    // An empty buffer ends the entry at once (without one, a size-0 entry waits for a writer).
    return new Promise((resolve, reject) =>
      this.#pack.entry(h, Buffer.alloc(0), (err) =>
        err ? reject(err) : resolve(),
      ),
    );
  }
}

/** Maps an entry's owner (a user-namespaced container's host ids back to its own). */
export type OwnerMap = (
  uid: number,
  gid: number,
) => { uid: number; gid: number };

function header(st: Stats): Omit<Headers, "name"> {
  return { uid: st.uid, gid: st.gid, mtime: st.mtime, mode: st.mode & 0o7777 };
}
