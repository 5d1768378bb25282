import { createHash } from "node:crypto";
import {
  closeSync,
  constants,
  fchmodSync,
  futimesSync,
  lutimesSync,
  mkdirSync,
  chmodSync,
  openSync,
  symlinkSync,
  utimesSync,
} from "node:fs";
import { join, posix } from "node:path";
import { Readable } from "node:stream";
import { ContextIndex, type ContextNode } from "./context-index.ts";
import { ContextSpool, type MemoryBudget } from "./context-spool.ts";
import { readTar } from "./context-read.ts";
import { ContextTarParser } from "./context-tar.ts";
import { followInTree, type SourceTree, type TreeStat } from "./source-tree.ts";

export { contextMember } from "./context-index.ts";

/** Bytes unpacked between two yields to the event loop. */
const YIELD_BYTES = 8 << 20;

/**
 * A build context as received: the index of its members (context-index.ts)
 * over one spool file holding its regular files' bytes (context-spool.ts),
 * both in the build's own directory. Nothing is unpacked as it arrives:
 * COPY lists, checks and hashes sources from the index (each file's
 * sha256 was taken on the way in), so a cached COPY touches no file;
 * unpack() puts on disk, under `<dir>/files`, only what a step that runs
 * needs (a COPY that missed, a RUN --mount=type=bind). The owner removes
 * `dir` when the build ends.
 */
export class BuildContext implements SourceTree {
  readonly root: string;
  readonly index = new ContextIndex();
  #spool: ContextSpool;
  #unpacked = new Set<string>();

  private constructor(dir: string, budget?: MemoryBudget) {
    this.root = join(dir, "files");
    this.#spool = new ContextSpool(join(dir, "spool"), budget);
  }

  /**
   * Receives a context tar (plain or compressed) into dir, which must
   * exist and be empty: indexes each member and appends each regular
   * file's bytes to the spool (in memory while `memory` allows, else in
   * `<dir>/spool`), hashing them on the way (as dockerd hashes the
   * context it receives), synchronously as the chunks arrive
   * (context-tar.ts, context-read.ts). Refuses, with InvalidArgumentError, what
   * ContextIndex refuses and a malformed tar. On error the spool is
   * closed; the caller removes dir.
   */
  static async receive(
    body: Readable,
    dir: string,
    options: { signal?: AbortSignal; memory?: MemoryBudget } = {},
  ): Promise<BuildContext> {
    const ctx = new BuildContext(dir, options.memory);
    const { signal } = options;
    const spool = ctx.#spool;
    try {
      const parser = new ContextTarParser((h) => {
        const rel = ctx.index.prepare(h);
        if (rel === "") return undefined;
        if (h.type !== "file" && h.type !== "contiguous-file") {
          ctx.index.add(rel, h);
          return undefined;
        }
        const offset = spool.size;
        const hash = createHash("sha256");
        return {
          data: (piece) => {
            hash.update(piece);
            spool.append(piece);
          },
          end: () =>
            ctx.index.add(rel, h, { digest: hash.digest("hex"), offset }),
        };
      }, "invalid build context");
      await readTar(body, parser, signal);
      spool.flush();
    } catch (err) {
      ctx.close();
      throw err;
    }
    return ctx;
  }

  /** SourceTree.lstat over the index: parents' symlinks followed inside the context. */
  async lstat(rel: string): Promise<TreeStat | undefined> {
    const direct = this.index.get(rel);
    if (direct) return direct;
    const r = await followInTree(this, rel, false);
    return "rel" in r ? this.index.get(r.rel) : undefined;
  }

  /** SourceTree.readdir over the index. */
  async readdir(rel: string): Promise<string[]> {
    const r = await followInTree(this, rel);
    return "rel" in r ? this.index.names(r.rel) : [];
  }

  /** A regular file's content (symlinks followed inside the context), or undefined. */
  async readFile(rel: string): Promise<Buffer | undefined> {
    const r = await followInTree(this, rel);
    const node = "rel" in r ? this.index.get(r.rel) : undefined;
    if (node?.type !== "file") return undefined;
    return this.#spool.read(node.offset!, node.size);
  }

  /** SourceTree.open: a regular file's content as a stream, from the spool. */
  open(rel: string): Readable {
    const node = this.index.get(rel);
    if (node?.type !== "file")
      throw new Error(`build context: ${rel} is no regular file`);
    return Readable.from(this.#spool.pieces(node.offset!, node.size), {
      objectMode: false,
    });
  }

  /** SourceTree.unpack: writes the files (whole trees for directories) not yet under root. */
  unpack(rels: string[]): Promise<void> {
    return this.unpackInto(this.root, rels, this.#unpacked);
  }

  /**
   * Writes rels (a directory with everything below it) under dir with
   * their modes and times, in spool order; `done` (paths already
   * written) makes repeated calls write each path once. Every parent on
   * the way is a directory of the index, so no write goes through a
   * symlink this makes.
   */
  async unpackInto(
    dir: string,
    rels: string[],
    done = new Set<string>(),
  ): Promise<void> {
    const todo = new Map<string, ContextNode>();
    const add = (rel: string): void => {
      const node = this.index.get(rel);
      if (!node || done.has(rel) || todo.has(rel)) return;
      todo.set(rel, node);
      if (node.type === "directory")
        for (const n of this.index.names(rel)) add(rel ? `${rel}/${n}` : n);
    };
    for (const rel of rels) add(rel);
    const sorted = [...todo].sort(
      ([, a], [, b]) => (a.offset ?? -1) - (b.offset ?? -1),
    );
    const dirs: [string, ContextNode][] = [];
    let sinceYield = 0;
    for (const [rel, node] of sorted) {
      if (done.has(rel)) continue;
      done.add(rel);
      const path = join(dir, rel);
      mkdirSync(posix.dirname(path), { recursive: true, mode: 0o755 });
      if (node.type === "directory") {
        mkdirSync(path, { recursive: true, mode: 0o755 });
        chmodSync(path, node.mode);
        dirs.push([path, node]);
      } else if (node.type === "symlink") {
        symlinkSync(node.linkname!, path);
        lutimesSync(path, node.mtime, node.mtime);
      } else {
        this.#writeFile(path, node);
        sinceYield += node.size;
        if (sinceYield >= YIELD_BYTES) {
          sinceYield = 0;
          await new Promise((ok) => setImmediate(ok));
        }
      }
    }
    // Directory times last, deepest first: writing inside one changes it.
    for (const [path, node] of dirs.reverse())
      utimesSync(path, node.mtime, node.mtime);
  }

  #writeFile(path: string, node: ContextNode): void {
    const fd = openSync(
      path,
      constants.O_WRONLY |
        constants.O_CREAT |
        constants.O_EXCL |
        constants.O_NOFOLLOW,
      0o600,
    );
    try {
      this.#spool.copyTo(fd, node.offset!, node.size);
      fchmodSync(fd, node.mode);
      futimesSync(fd, node.mtime, node.mtime);
    } finally {
      closeSync(fd);
    }
  }

  /** Closes and removes the spool (the owner removes the directory). */
  close(): void {
    this.#spool.close();
  }
}
