import { lstat, readdir, readlink } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";

/** What COPY needs to know of one path of a source tree (lstat's answer). */
export type TreeStat = {
  type: "file" | "directory" | "symlink" | "other";
  /** Permission bits (& 0o7777). */
  mode: number;
  /** Bytes of a regular file, else 0. */
  size: number;
  mtime: Date;
  /** A symlink's target. */
  linkname?: string;
  /** A regular file's sha256 (hex) when the tree knows it without reading. */
  digest?: string;
};

/**
 * A tree of files COPY and ADD read from: a directory on the host (a
 * stage's rootfs, a heredoc's or a download's temporary directory) or the
 * build context, which is held as an index over one spooled file and put
 * on disk only for the paths a step actually writes (context.ts).
 * Paths are relative to the tree's top ("" is the top), "/"-separated.
 */
export interface SourceTree {
  /**
   * The host directory a path lives under once unpack() has run for it:
   * `join(root, rel)` is where COPY reads its bytes.
   */
  readonly root: string;
  /**
   * Like lstat(2) at rel: intermediate symlinks are followed (inside the
   * tree for the context), the last component is not. Undefined when
   * nothing is there.
   */
  lstat(rel: string): Promise<TreeStat | undefined>;
  /** The names in the directory rel (symlinks followed), sorted; [] when it is none. */
  readdir(rel: string): Promise<string[]>;
  /**
   * A regular file's content as a stream, when the tree can give it
   * without the file being on disk (the context): COPY writes it into the
   * image from there instead of unpacking it first.
   */
  open?(rel: string): Readable;
  /**
   * Makes the regular files among rels (and, for a directory, everything
   * below it) exist under root. A host directory has them already.
   */
  unpack(rels: string[]): Promise<void>;
}

/** A host directory as a SourceTree: every call asks the filesystem. */
export function hostTree(root: string): SourceTree {
  return {
    root,
    lstat: async (rel) => {
      const path = join(root, rel);
      const st = await lstat(path).catch(() => undefined);
      if (!st) return undefined;
      const base = { mode: st.mode & 0o7777, mtime: st.mtime, size: 0 };
      if (st.isSymbolicLink())
        return { ...base, type: "symlink", linkname: await readlink(path) };
      if (st.isDirectory()) return { ...base, type: "directory" };
      if (st.isFile()) return { ...base, type: "file", size: st.size };
      return { ...base, type: "other" };
    },
    readdir: async (rel) =>
      (await readdir(join(root, rel)).catch(() => [])).sort(),
    unpack: async () => undefined,
  };
}

const MAX_HOPS = 40;

/**
 * rel with every symlink in it followed inside the tree (an absolute
 * target starts at its top, "/.." stays at the top's parent: outside);
 * with `last` false the final component is kept as it is, present or
 * not. Fails with why: a link or ".." climbing out, a missing component,
 * links looping.
 */
export async function followInTree(
  tree: SourceTree,
  rel: string,
  last = true,
): Promise<{ rel: string } | { error: "outside" | "missing" | "loop" }> {
  const done: string[] = [];
  const queue = rel.split("/").filter(Boolean);
  let hops = 0;
  while (queue.length) {
    const c = queue.shift()!;
    if (c === ".") continue;
    if (c === "..") {
      if (done.pop() === undefined) return { error: "outside" };
      continue;
    }
    if (!last && queue.length === 0) {
      done.push(c);
      break;
    }
    const st = await tree.lstat([...done, c].join("/"));
    if (!st) return { error: "missing" };
    if (st.type === "symlink") {
      if (++hops > MAX_HOPS) return { error: "loop" };
      const target = st.linkname ?? "";
      if (target.startsWith("/")) done.length = 0;
      queue.unshift(...target.split("/").filter(Boolean));
      continue;
    }
    done.push(c);
  }
  return { rel: done.join("/") };
}
