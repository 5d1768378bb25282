import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { join, posix } from "node:path";
import type { Readable } from "node:stream";
import { InvalidArgumentError } from "../../util/errors.ts";
import type { DockerIgnore } from "../../conventions/dockerignore.ts";
import {
  followInTree,
  hostTree,
  type SourceTree,
  type TreeStat,
} from "./source-tree.ts";

/** One file system entry to write into the image, at its destination path. */
export type CopyEntry = {
  /** Absolute path in the image. */
  dest: string;
  /** Host path of the source: join(tree.root, rel) (for the context, once unpacked). */
  src: string;
  /** Its path in the tree it comes from. */
  rel: string;
  type: "file" | "directory" | "symlink";
  mode: number;
  size: number;
  mtime: Date;
  linkname?: string;
  /** Named by the instruction itself (or a wildcard), not found inside a directory: ADD unpacks it when it is a tar archive. */
  named?: boolean;
  /** A regular file's sha256 (hex), when its tree knew it (the context). */
  digest?: string;
  /** A regular file's content, when its tree gives it without src on disk (the context). */
  open?: () => Readable;
};

/** Where COPY reads from: a tree of files and what it ignores. */
export type CopySource = { tree: SourceTree; ignore?: DockerIgnore };

/** A host directory as a CopySource. */
export function hostSource(root: string): CopySource {
  return { tree: hostTree(root) };
}

/**
 * Resolves COPY/ADD sources against root into entries under dest, with
 * Docker's rules: wildcards (`*`, `?`, `[…]`) per path element, a
 * directory copies its contents, several sources or a dest ending in "/"
 * make dest a directory. A source's symlinks are followed inside root; a
 * path that leaves root (by "..", or a symlink climbing out) is refused
 * with Docker's "forbidden path outside the build context". Ignored paths
 * (.dockerignore) are left out; a source matching nothing is an error.
 * With `parents` (BuildKit's COPY --parents) each source keeps its path
 * below dest, cut at a "/./" pivot when the source has one.
 */
export async function copyEntries(
  source: CopySource,
  sources: string[],
  dest: string,
  options: { parents?: boolean } = {},
): Promise<CopyEntry[]> {
  const matched: { rel: string; name: string }[] = [];
  for (const s of sources) {
    const norm = posix.normalize(`/${s}`);
    // BuildKit's --parents keeps the source's path below dest, from the
    // "/./" pivot when there is one, else whole.
    const pivot = s.indexOf("/./");
    const dropped =
      options.parents && pivot >= 0
        ? posix
            .normalize(`/${s.slice(0, pivot)}`)
            .split("/")
            .filter(Boolean).length
        : 0;
    if (posix.normalize(s).startsWith("../") || posix.normalize(s) === "..")
      throw new InvalidArgumentError(
        `COPY failed: forbidden path outside the build context: ${s} ()`,
      );
    const rels = /[*?[]/.test(norm)
      ? await glob(source, norm.slice(1))
      : [norm.slice(1)];
    if (rels.length === 0)
      throw new InvalidArgumentError(
        `COPY failed: no source files were specified`,
      );
    for (const rel of rels) {
      if (
        rel !== "" &&
        source.ignore?.ignores(rel) &&
        !(await isDir(source, rel))
      )
        throw new InvalidArgumentError(
          `COPY failed: file not found in build context or excluded by .dockerignore: stat ${rel}: file does not exist`,
        );
      matched.push({
        rel: await resolveInRoot(source.tree, rel, s),
        name: options.parents
          ? rel.split("/").slice(dropped).join("/")
          : posix.basename(rel),
      });
    }
  }
  const toDir = dest.endsWith("/") || matched.length > 1 || options.parents;
  const out: CopyEntry[] = [];
  for (const m of matched) {
    const st = (await source.tree.lstat(m.rel))!;
    if (st.type === "directory") {
      const under = options.parents
        ? posix.join(dest, m.name)
        : posix.normalize(dest);
      if (options.parents && m.name !== "")
        out.push(entry(source.tree, m.rel, st, under));
      await walk(source, m.rel, under, out);
      continue;
    }
    const target = toDir ? posix.join(dest, m.name) : posix.normalize(dest);
    out.push({ ...entry(source.tree, m.rel, st, target), named: true });
  }
  return out;
}

async function isDir(source: CopySource, rel: string): Promise<boolean> {
  return (await source.tree.lstat(rel))?.type === "directory";
}

async function walk(
  source: CopySource,
  rel: string,
  dest: string,
  out: CopyEntry[],
): Promise<void> {
  for (const name of await source.tree.readdir(rel)) {
    const childRel = rel === "" ? name : `${rel}/${name}`;
    const ignored = source.ignore?.ignores(childRel) ?? false;
    const target = posix.join(dest, name);
    const st = await source.tree.lstat(childRel);
    if (!st) continue;
    if (st.type === "directory") {
      if (ignored && !source.ignore!.hasExceptions) continue;
      if (!ignored) out.push(entry(source.tree, childRel, st, target));
      await walk(source, childRel, target, out);
      continue;
    }
    if (!ignored) out.push(entry(source.tree, childRel, st, target));
  }
}

function entry(
  tree: SourceTree,
  rel: string,
  st: TreeStat,
  dest: string,
): CopyEntry {
  const base = {
    dest,
    src: join(tree.root, rel),
    rel,
    mode: st.mode,
    mtime: st.mtime,
  };
  if (st.type === "symlink")
    return { ...base, type: "symlink", size: 0, linkname: st.linkname ?? "" };
  if (st.type === "directory") return { ...base, type: "directory", size: 0 };
  if (st.type !== "file")
    throw new InvalidArgumentError(`COPY failed: ${dest}: not a regular file`);
  return {
    ...base,
    type: "file",
    size: st.size,
    ...(st.digest !== undefined ? { digest: st.digest } : {}),
    ...(tree.open ? { open: () => tree.open!(rel) } : {}),
  };
}

/**
 * Follows symlinks in rel inside the tree (an absolute link target starts
 * at its top); refuses a path that climbs out, or is missing. Returns the
 * real relative path.
 */
export async function resolveInRoot(
  tree: SourceTree,
  rel: string,
  original: string,
): Promise<string> {
  const r = await followInTree(tree, rel);
  if ("rel" in r) return r.rel;
  throw new InvalidArgumentError(
    r.error === "outside"
      ? `COPY failed: forbidden path outside the build context: ${original} ()`
      : r.error === "loop"
        ? `COPY failed: too many symlinks: ${original}`
        : `COPY failed: file not found in build context or excluded by .dockerignore: stat ${original}: file does not exist`,
  );
}

async function glob(source: CopySource, pattern: string): Promise<string[]> {
  const parts = pattern.split("/");
  let found = [""];
  for (const part of parts) {
    const next: string[] = [];
    const re = /[*?[]/.test(part) ? globRe(part) : undefined;
    for (const dir of found) {
      if (!re) {
        const rel = dir ? `${dir}/${part}` : part;
        if (await source.tree.lstat(rel)) next.push(rel);
        continue;
      }
      for (const n of await source.tree.readdir(dir))
        if (re.test(n)) next.push(dir ? `${dir}/${n}` : n);
    }
    found = next;
  }
  return found.filter((rel) => !source.ignore?.ignores(rel));
}

function globRe(part: string): RegExp {
  let re = "";
  for (let i = 0; i < part.length; i++) {
    const c = part[i]!;
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = part.indexOf("]", i);
      re += end < 0 ? "\\[" : `[${part.slice(i + 1, end).replace(/^!/, "^")}]`;
      if (end >= 0) i = end;
    } else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/**
 * The cache checksum of entries: paths, types, modes, sizes, link targets
 * and file contents, never times (the cache ignores mtime and atime). A
 * file's content counts by its sha256: the one its tree knew (the
 * context hashes files as they arrive), else read from src.
 */
export async function entriesChecksum(
  entries: CopyEntry[],
  extra: string,
): Promise<string> {
  const h = createHash("sha256");
  h.update(extra);
  for (const e of entries) {
    h.update(
      `\0${e.dest}\0${e.type}\0${e.mode}\0${e.size}\0${e.linkname ?? ""}\0`,
    );
    if (e.type !== "file") continue;
    h.update(e.digest ?? (await fileDigest(e.src)));
  }
  return h.digest("hex");
}

async function fileDigest(path: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(path, {
    highWaterMark: 1 << 20,
  }))
    h.update(chunk as Buffer);
  return h.digest("hex");
}
