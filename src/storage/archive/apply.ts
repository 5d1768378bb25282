import {
  chmod,
  link,
  lchown,
  lstat,
  lutimes,
  readdir,
  rm,
  utimes,
} from "node:fs/promises";
import { join } from "node:path";
import { Transform, type Readable } from "node:stream";
import type { Header } from "tar-stream";
import { DigestCounter, type Digest } from "../../oci/digest.ts";
import { isErrno } from "../../util/errors.ts";
import { lsetxattr, makedev, mknod, S_IFCHR } from "../syscalls.ts";
import { decompress } from "./compression.ts";
import { memberComponents, resolveDirInRoot } from "./scoped-path.ts";
import { createMember, forEachMember, invalidHardlink } from "./members.ts";

/** Prefix of AUFS/OCI whiteout files (image-spec layer.md#whiteouts). */
export const WHITEOUT_PREFIX = ".wh.";
/** The opaque-directory marker: hide everything below from lower layers. */
export const OPAQUE_WHITEOUT = ".wh..wh..opq";
/** The xattr overlayfs reads to treat an upper directory as opaque. */
export const OPAQUE_XATTR = "trusted.overlay.opaque";

/**
 * How whiteouts are written: "overlay" keeps them for overlayfs (a 0/0
 * character device, an opaque xattr); "delete" applies them to a full tree
 * by removing what they hide (the copy layer store, `docker export` style).
 */
export type WhiteoutMode = "overlay" | "delete";

/** Result of applying a layer tar. */
export type ApplyResult = {
  /** sha256 of the uncompressed tar stream: the layer's diffId. */
  diffId: Digest;
  /** Bytes of the uncompressed tar. */
  tarSize: number;
  /** Sum of regular file sizes written (Docker's layer Size). */
  size: number;
};

/**
 * Applies a layer tar (plain or gzip) onto root. Refuses absolute member
 * names, `..` escapes and hardlinks to outside; never writes through a
 * symlink (parents are resolved inside root). Keeps modes, owners (when
 * running as root), mtimes, hardlinks, symlinks, devices, FIFOs and
 * SCHILY.xattr PAX records. `tee` receives every uncompressed byte (to store
 * the tar by its diffId). Throws InvalidArgumentError for a bad archive; on
 * error root is left partly written: the caller discards it.
 */
export async function applyTar(
  source: Readable,
  root: string,
  options: {
    whiteouts: WhiteoutMode;
    tee?: (chunk: Buffer) => Promise<void>;
    /** false: skip hashing (an archive that is no layer; diffId is then the empty digest). */
    digest?: boolean;
  },
): Promise<ApplyResult> {
  const raw = await decompress(source);
  const counter = new DigestCounter();
  const tee = options.tee;
  const hash = options.digest !== false;
  const hasher = new Transform({
    transform(chunk: Buffer, _enc, done) {
      if (hash) counter.update(chunk);
      else counter.size += chunk.length;
      if (tee) tee(chunk).then(() => done(null, chunk), done);
      else done(null, chunk);
    },
  });
  const state = new ApplyState(root, options.whiteouts);
  await forEachMember(raw, (h, body) => state.entry(h, body), {
    through: hasher,
  });
  await state.finish();
  return { diffId: counter.digest(), tarSize: counter.size, size: state.size };
}

const isRoot = process.getuid?.() === 0;

class ApplyState {
  size = 0;
  #root: string;
  #mode: WhiteoutMode;
  #dirTimes: Array<[string, Date]> = [];
  /** Paths written by this layer, so an opaque marker in delete mode keeps them. */
  #written = new Set<string>();

  constructor(root: string, mode: WhiteoutMode) {
    this.#root = root;
    this.#mode = mode;
  }

  async entry(h: Header, body: Readable): Promise<void> {
    const parts = memberComponents(h.name);
    if (parts.length === 0) return; // the root itself: keep its own metadata
    const base = parts[parts.length - 1]!;
    const parent = await resolveDirInRoot(this.#root, parts.slice(0, -1), {
      create: true,
    });
    if (base.startsWith(WHITEOUT_PREFIX)) return this.#whiteout(parent, base);
    const path = join(parent, base);
    this.#written.add(path);
    const existing = await lstat(path).catch(() => undefined);
    // moby: replace whatever exists, except a directory replaced by a directory.
    if (existing && !(existing.isDirectory() && h.type === "directory"))
      await rm(path, { recursive: true, force: true });
    await this.#create(h, path, body, existing?.isDirectory() ?? false);
    await this.#metadata(h, path);
  }

  async #create(
    h: Header,
    path: string,
    body: Readable,
    exists: boolean,
  ): Promise<void> {
    this.size += await createMember(h, path, body, exists, async (name) => {
      const target = memberComponents(name);
      const dir = await resolveDirInRoot(this.#root, target.slice(0, -1), {
        create: false,
      });
      if (target.length === 0) throw invalidHardlink(h);
      await link(join(dir, target[target.length - 1]!), path);
    });
  }

  async #metadata(h: Header, path: string): Promise<void> {
    if (h.type === "link") return; // a hardlink shares the target's inode and metadata
    if (isRoot) await lchown(path, h.uid ?? 0, h.gid ?? 0);
    const pax = (h.pax ?? {}) as Record<string, string>;
    for (const [key, value] of Object.entries(pax))
      if (key.startsWith("SCHILY.xattr."))
        try {
          lsetxattr(path, key.slice(13), Buffer.from(value, "binary"));
        } catch (err) {
          if (!isErrno(err, "ENOTSUP") && !isErrno(err, "EPERM")) throw err;
        }
    const mtime = h.mtime ?? new Date(0);
    if (h.type === "symlink") return void (await lutimes(path, mtime, mtime));
    await chmod(path, (h.mode ?? 0o644) & 0o7777);
    // Directory mtimes change as children are added: set them at the end.
    if (h.type === "directory") this.#dirTimes.push([path, mtime]);
    else await utimes(path, mtime, mtime);
  }

  async #whiteout(parent: string, base: string): Promise<void> {
    if (base === OPAQUE_WHITEOUT) {
      if (this.#mode === "overlay")
        return lsetxattr(parent, OPAQUE_XATTR, Buffer.from("y"));
      for (const name of await readdir(parent)) {
        const p = join(parent, name);
        if (!this.#written.has(p))
          await rm(p, { recursive: true, force: true });
      }
      return;
    }
    if (base.startsWith(WHITEOUT_PREFIX + WHITEOUT_PREFIX)) return; // AUFS metadata (.wh..wh.plnk …)
    const victim = join(parent, base.slice(WHITEOUT_PREFIX.length));
    await rm(victim, { recursive: true, force: true });
    if (this.#mode === "overlay") mknod(victim, S_IFCHR, makedev(0, 0));
  }

  async finish(): Promise<void> {
    for (const [path, mtime] of this.#dirTimes.reverse())
      await utimes(path, mtime, mtime);
  }
}
