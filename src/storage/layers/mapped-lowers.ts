import { spawn } from "node:child_process";
import { openSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import {
  lchown,
  lstat,
  mkdir,
  opendir,
  readdir,
  rename,
  rm,
  rmdir,
  chmod,
} from "node:fs/promises";
import { release } from "node:os";
import { basename, dirname, join } from "node:path";
import { randomBytes } from "node:crypto";
import {
  mappingKey,
  shiftOwner,
  type IdMapping,
  type IdMappings,
} from "../../oci/id-mapping.ts";
import { execFile } from "../../util/exec.ts";
import { MNT_DETACH, idmappedBind, umount } from "../syscalls.ts";

/** How lower layers reach a remapped container: idmapped mounts, or chown'd copies. */
export type LowerMode = "idmap" | "copy";

/**
 * The lower layers of a remapped container's overlay, owned as the
 * container's user namespace needs them. Two ways, as the kernel allows:
 *
 * - idmap (Linux ≥ 5.19, where overlayfs accepts idmapped lower layers):
 *   each lower dir is cloned as an idmapped mount (syscalls.ts
 *   idmappedBind) through a user namespace holding the mapping, the
 *   overlay is mounted over the clones, and the clones are detached at
 *   once (overlayfs keeps private references to its layers). Nothing is
 *   copied; the namespace fd lives as long as the daemon.
 * - copy (older kernels, or where an idmapped mount fails): a copy of each
 *   layer with every owner shifted into the mapping's host range, made
 *   once per (layer, mapping) and kept, as dockerd keeps its layers under
 *   the remapped root. Removing the layer removes its copies.
 *
 * ```
 * <state-root>/<uid>.<gid>/          per mapping (uid.gid of the remapped root)
 *   i/<8 hex>/<n>                    idmapped clones while an overlay is mounted
 *   layers/<snapshot dir>/           chown'd copy of one layer (copy mode)
 *   layers/.tmp-*                    half-made copies, swept at the next copy
 * ```
 */
export class MappedLowers {
  readonly #stateRoot: string;
  #mode: LowerMode;
  readonly #userns = new Map<string, number>();
  readonly #copies = new Map<string, Promise<string>>();

  /** `mode` defaults from the kernel version (idmap on ≥ 5.19). */
  constructor(options: { stateRoot: string; mode?: LowerMode }) {
    this.#stateRoot = options.stateRoot;
    this.#mode = options.mode ?? (kernelAtLeast(5, 19) ? "idmap" : "copy");
  }

  /** The way in use; switches to "copy" for good once an idmapped mount fails. */
  get mode(): LowerMode {
    return this.#mode;
  }

  /** Falls back to chown'd copies (after the kernel refused an idmapped layer). */
  useCopies(): void {
    this.#mode = "copy";
  }

  /**
   * Lower dirs for the overlay, nearest first as given, plus `done` to call
   * once the overlay is mounted (or failed): it detaches idmapped clones.
   * Throws the syscall's error (code EINVAL, ENOSYS, EPERM) in idmap mode.
   */
  async prepare(
    lowers: string[],
    m: IdMappings,
  ): Promise<{ lowers: string[]; done: () => Promise<void> }> {
    const dir = join(this.#stateRoot, mappingKey(m));
    if (this.#mode === "copy") {
      const out: string[] = [];
      for (const l of lowers) out.push(await this.#copy(dir, l, m));
      return { lowers: out, done: async () => undefined };
    }
    const fd = await this.#usernsFd(m);
    const base = join(dir, "i", randomBytes(4).toString("hex"));
    await mkdir(base, { recursive: true, mode: 0o711 });
    const made: string[] = [];
    const done = async (): Promise<void> => {
      // rmdir, never rm -r: a clone that failed to detach still shows a layer.
      for (const t of made) {
        try {
          umount(t, MNT_DETACH);
        } catch {
          // already gone
        }
        await rmdir(t).catch(() => undefined);
      }
      await rmdir(join(base, String(made.length))).catch(() => undefined);
      await rmdir(base).catch(() => undefined);
    };
    try {
      for (const [i, l] of lowers.entries()) {
        const target = join(base, String(i));
        await mkdir(target);
        idmappedBind(l, target, fd);
        made.push(target);
      }
    } catch (err) {
      await done();
      throw err;
    }
    return { lowers: made, done };
  }

  /** Removes the chown'd copies of a layer (snapshot dir name) under every mapping. */
  async forget(dirName: string): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.#stateRoot);
    } catch {
      return;
    }
    for (const n of names)
      if (/^\d+\.\d+$/.test(n))
        await rm(join(this.#stateRoot, n, "layers", dirName), {
          recursive: true,
          force: true,
        });
  }

  /** The copy of lower dir `l` (a short link to `../<dir>/diff`) under the mapping. */
  #copy(dir: string, l: string, m: IdMappings): Promise<string> {
    const layer = layerName(l);
    const target = join(dir, "layers", layer);
    let p = this.#copies.get(target);
    if (!p) {
      p = makeShiftedCopy(l, target, m);
      this.#copies.set(target, p);
      p.catch(() => this.#copies.delete(target));
    }
    return p;
  }

  /** A user namespace fd holding the mapping, made once per mapping. */
  async #usernsFd(m: IdMappings): Promise<number> {
    const key = mappingKey(m);
    const have = this.#userns.get(key);
    if (have !== undefined) return have;
    const fd = await usernsFd(m);
    this.#userns.set(key, fd);
    return fd;
  }
}

/** The snapshot dir behind an overlay short link `l/<id>` (its target is `../<dir>/diff`). */
function layerName(l: string): string {
  try {
    return basename(dirname(join(dirname(l), readlinkSync(l))));
  } catch {
    // Not a link: the path is the layer's own directory.
    return basename(l);
  }
}

/**
 * Copies `src` to `target` with owners shifted into the mapping (copy mode).
 * `cp -a` keeps modes, times, xattrs (overlay whiteouts and opaque dirs)
 * and hard links; then every entry is lchown'd, and set-id bits chown
 * cleared are put back. Idempotent: an existing target is reused.
 */
export async function makeShiftedCopy(
  src: string,
  target: string,
  m: IdMappings,
): Promise<string> {
  try {
    await lstat(target);
    return target;
  } catch {
    // not made yet
  }
  const parent = dirname(target);
  await mkdir(parent, { recursive: true, mode: 0o711 });
  const tmp = join(parent, `.tmp-${randomBytes(6).toString("hex")}`);
  try {
    const r = await execFile("cp", ["-a", "--reflink=auto", `${src}/.`, tmp]);
    if (r.code !== 0) throw new Error(`copying layer ${src}: ${r.stderr}`);
    await shiftTree(tmp, m);
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  return target;
}

/** lchowns every entry below (and including) dir into the mapping's host range. */
export async function shiftTree(dir: string, m: IdMappings): Promise<void> {
  const seen = new Set<number>();
  const shift = async (path: string): Promise<void> => {
    const st = await lstat(path);
    // Hard links share an inode: shift it once.
    if (seen.has(st.ino)) return;
    seen.add(st.ino);
    const to = shiftOwner(m, st.uid, st.gid);
    await lchown(path, to.uid, to.gid);
    // chown(2) clears set-user-ID and set-group-ID bits: restore them.
    if (!st.isSymbolicLink() && st.mode & 0o6000)
      await chmod(path, st.mode & 0o7777);
  };
  await shift(dir);
  for await (const e of await opendir(dir, { recursive: true }))
    await shift(join(e.parentPath, e.name));
}

/**
 * A user namespace with the mapping, held by an fd: a helper enters a new
 * user namespace (unshare -U), wharfd writes its uid_map/gid_map (root
 * may map any range), opens /proc/<pid>/ns/user and ends the helper.
 */
async function usernsFd(m: IdMappings): Promise<number> {
  const child = spawn("unshare", ["-U", "sleep", "infinity"], {
    stdio: "ignore",
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error("cannot start unshare");
  try {
    for (let i = 0; ; i++) {
      // comm turns to "sleep" after the exec, which follows the unshare.
      const comm = readOr(`/proc/${pid}/comm`).trim();
      if (comm === "sleep") break;
      if (child.exitCode !== null || i > 2000)
        throw new Error("unshare -U did not start");
      await new Promise((ok) => setTimeout(ok, 2));
    }
    writeFileSync(`/proc/${pid}/uid_map`, mapText(m.uidMappings));
    writeFileSync(`/proc/${pid}/gid_map`, mapText(m.gidMappings));
    return openSync(`/proc/${pid}/ns/user`, "r");
  } finally {
    child.kill("SIGKILL");
  }
}

function mapText(ranges: IdMapping[]): string {
  return ranges.map((r) => `${r.containerID} ${r.hostID} ${r.size}\n`).join("");
}

function readOr(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/** Whether the running kernel's version is at least major.minor. */
export function kernelAtLeast(major: number, minor: number, rel = release()) {
  const [a = 0, b = 0] = rel.split(/[.-]/).map((x) => Number.parseInt(x, 10));
  return a > major || (a === major && b >= minor);
}
