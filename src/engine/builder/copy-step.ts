import {
  mkdir,
  mkdtemp,
  readFile,
  rm,
  writeFile,
  lstat,
  chown,
} from "node:fs/promises";
import { join, posix } from "node:path";
import { FsScope } from "../../storage/archive/fs-scope.ts";
import { copyIn, extractToDir } from "../../storage/archive/copy-in.ts";
import {
  InvalidArgumentError,
  NotImplementedError,
} from "../../util/errors.ts";
import { expandWord } from "../images/index.ts";
import {
  copyEntries,
  entriesChecksum,
  hostSource,
  type CopyEntry,
  type CopySource,
} from "./copy-sources.ts";
import { commitInRootfs, withRootfs } from "./rootfs.ts";
import { downloadUrl, isUrlSource } from "./url-source.ts";
import { cachedStep, stageVars } from "./step.ts";
import type { BuildJob, StageState, CopyInstruction } from "./types.ts";
import { createReadStream } from "node:fs";
import { isTarArchive } from "../../storage/archive/sniff.ts";
import { resolveDirInRoot } from "../../storage/archive/scoped-path.ts";

/**
 * COPY and ADD (local sources): resolves the sources in the context, a
 * heredoc, an earlier stage or an image (--from), checks the cache with a
 * checksum of the files, and writes them into a scratch rootfs of the
 * parent whose diff becomes the new layer. --chown names resolve in the
 * image's /etc/passwd and /etc/group; --chmod is octal.
 */
export async function copyStep(
  job: BuildJob,
  s: StageState,
  ins: CopyInstruction,
): Promise<void> {
  const vars = stageVars(s);
  const x = (w: string): string => expandWord(w, vars, job.escape);
  const words = ins.paths.map(x);
  let dest = words.pop()!;
  const sources = words;
  const wd = s.config.WorkingDir || "/";
  const slash = dest.endsWith("/") || dest === "." || dest.endsWith("/.");
  dest = posix.resolve(wd, dest) + (slash && dest !== "/" ? "/" : "");
  const flags = ins.flags;
  for (const f of ["exclude", "keep-git-dir"])
    if (flags[f] !== undefined)
      throw new NotImplementedError(`not implemented: ${ins.kind} --${f}`);
  const urls = sources.filter(isUrlSource);
  if (urls.length && ins.kind === "COPY")
    throw new InvalidArgumentError("source can't be a URL for COPY");
  if (flags.checksum !== undefined && urls.length !== sources.length)
    throw new InvalidArgumentError(
      "checksum can't be specified for non-HTTP(S) sources",
    );
  const chmod = flags.chmod === undefined ? undefined : parseMode(flags.chmod);
  const tmp = await mkdtemp(join(job.deps.dir, "tmp", "heredoc-"));
  try {
    const heredocNames = new Set(ins.heredocs.map((h) => h.name));
    for (const h of ins.heredocs)
      await writeFile(
        join(tmp, h.name),
        h.expand ? expandHeredoc(h.content, vars) : h.content,
        { mode: chmod ?? 0o644 },
      );
    const fromHeredoc = sources.filter((p) => /^<<-?["']?\w+["']?$/.test(p));
    const other = sources.filter(
      (p) => !fromHeredoc.includes(p) && !urls.includes(p),
    );
    const downloaded: { root: string; name: string }[] = [];
    for (const [i, url] of urls.entries()) {
      const root = join(tmp, `url-${i}`);
      await mkdir(root);
      const name = await downloadUrl(url, root, {
        ...(flags.checksum !== undefined ? { checksum: flags.checksum } : {}),
      });
      downloaded.push({ root, name });
    }
    const run = async (
      src: CopySource,
      names: string[],
    ): Promise<CopyEntry[]> =>
      copyEntries(
        src,
        names,
        sources.length > 1 && !dest.endsWith("/") ? `${dest}/` : dest,
        { parents: flags.parents !== undefined && flags.parents !== "false" },
      );
    const withSource = async (
      fn: (entries: CopyEntry[]) => Promise<void>,
    ): Promise<void> => {
      const entries: CopyEntry[] = [];
      if (fromHeredoc.length)
        entries.push(
          ...(await run(
            hostSource(tmp),
            fromHeredoc
              .map((p) => p.replace(/^<<-?["']?|["']?$/g, ""))
              .filter((n) => heredocNames.has(n)),
          )),
        );
      // compat: a downloaded file is never unpacked (moby's noDecompress).
      for (const d of downloaded)
        entries.push(
          ...(await run(hostSource(d.root), [d.name])).map((e) => ({
            ...e,
            named: false,
          })),
        );
      if (!other.length) return fn(entries);
      if (flags.from === undefined)
        return fn([
          ...entries,
          ...(await run(
            {
              tree: job.context,
              ...(job.ignore ? { ignore: job.ignore } : {}),
            },
            other,
          )),
        ]);
      const fromRef = x(flags.from);
      const imageId =
        (await job.stageImage(fromRef)) ??
        (await job.deps.images.resolve(fromRef)).id;
      await withRootfs(job.deps.images, job.deps.dir, imageId, async (root) =>
        fn([...entries, ...(await run(hostSource(root), other))]),
      );
    };
    await withSource(async (entries) => {
      const checksum = await entriesChecksum(
        entries,
        JSON.stringify({ chown: flags.chown, chmod, dest }),
      );
      const kind =
        entries.length === 1 && entries[0]!.type === "file" ? "file" : "dir";
      const createdBy = `/bin/sh -c #(nop) ${ins.kind} ${kind}:${checksum} in ${dest} `;
      await cachedStep(job, s, {
        createdBy,
        config: s.config,
        checksum,
        make: () =>
          commitInRootfs(
            job.deps.images,
            job.deps.dir,
            { parentImageId: s.imageId, config: s.config, createdBy },
            async (merged) => {
              // compat: only ADD of a local file unpacks it (moby's
              // allowLocalDecompression); never COPY, --from or a heredoc.
              const unpack = ins.kind === "ADD" && flags.from === undefined;
              // Context files are written from the spool; those ADD may
              // unpack are put on disk first, to be sniffed and read.
              if (unpack)
                await job.context.unpack(
                  entries
                    .filter((e) => e.named && e.type === "file" && e.open)
                    .map((e) => e.rel),
                );
              const owner = flags.chown
                ? await resolveOwner(merged, x(flags.chown))
                : { uid: 0, gid: 0 };
              await writeEntries(merged, entries, {
                owner,
                chmod,
                unpack,
              });
            },
          ),
      });
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

function expandHeredoc(content: string, vars: Map<string, string>): string {
  return content.replace(
    /\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))/g,
    (_, a: string | undefined, b: string | undefined) =>
      vars.get(a ?? b ?? "") ?? "",
  );
}

function parseMode(v: string): number {
  if (!/^[0-7]{1,4}$/.test(v))
    throw new InvalidArgumentError(`invalid chmod parameter: ${v}`);
  return parseInt(v, 8);
}

/** "user[:group]" by name or number, names looked up in the image's passwd/group files. */
async function resolveOwner(
  merged: string,
  spec: string,
): Promise<{ uid: number; gid: number }> {
  const [user = "", group] = spec.split(":");
  const lookup = async (
    file: string,
    name: string,
    what: string,
  ): Promise<{ id: number; gid?: number }> => {
    if (/^\d+$/.test(name)) return { id: Number(name) };
    const text = await readFile(join(merged, "etc", file), "utf8").catch(
      () => "",
    );
    for (const line of text.split("\n")) {
      const f = line.split(":");
      if (f[0] === name)
        return { id: Number(f[2]), ...(f[3] ? { gid: Number(f[3]) } : {}) };
    }
    throw new InvalidArgumentError(
      `unable to convert uid/gid chown string to host mapping: can't find ${what} for ${name}`,
    );
  };
  const u = await lookup("passwd", user, "uid");
  const gid =
    group === undefined
      ? (u.gid ?? u.id)
      : (await lookup("group", group, "gid")).id;
  return { uid: u.id, gid };
}

async function writeEntries(
  merged: string,
  entries: CopyEntry[],
  options: {
    owner: { uid: number; gid: number };
    chmod: number | undefined;
    unpack: boolean;
  },
): Promise<void> {
  const archives: CopyEntry[] = [];
  if (options.unpack) {
    const plain: CopyEntry[] = [];
    for (const e of entries)
      if (e.named && e.type === "file" && (await isTarArchive(e.src)))
        archives.push(e);
      else plain.push(e);
    entries = plain;
  }
  // compat: a single file copied onto an existing directory goes inside it.
  if (
    entries.length === 1 &&
    entries[0]!.type === "file" &&
    !entries[0]!.dest.endsWith("/")
  ) {
    const st = await lstat(join(merged, entries[0]!.dest)).catch(
      () => undefined,
    );
    if (st?.isDirectory())
      entries = [
        {
          ...entries[0]!,
          dest: posix.join(entries[0]!.dest, posix.basename(entries[0]!.src)),
        },
      ];
  }
  await makeParents(merged, entries, options.owner);
  if (entries.length) await packInto(merged, entries, options);
  for (const a of archives) await unpackInto(merged, a);
}

/**
 * compat: the directories a COPY --chown creates on the way to its files
 * belong to the new owner; existing ones keep theirs (moby's
 * MkdirAllAndChownNew). Without --chown they are root's anyway.
 */
async function makeParents(
  merged: string,
  entries: CopyEntry[],
  owner: { uid: number; gid: number },
): Promise<void> {
  if (owner.uid === 0 && owner.gid === 0) return;
  for (const e of entries) {
    const parts = posix.dirname(e.dest.replace(/\/+$/, "")).split("/");
    for (let i = 1; i <= parts.length; i++) {
      const upTo = parts.slice(0, i);
      const there = await resolveDirInRoot(merged, upTo, {
        create: false,
      }).catch(() => undefined);
      if (there) continue;
      const made = await resolveDirInRoot(merged, upTo, { create: true });
      await chown(made, owner.uid, owner.gid);
    }
  }
}

/** Writes the entries into merged (files copied by the kernel), owned by options.owner. */
async function packInto(
  merged: string,
  entries: CopyEntry[],
  options: { owner: { uid: number; gid: number }; chmod: number | undefined },
): Promise<void> {
  const members = entries.map((e) => ({
    header: {
      name: e.dest.replace(/^\/+/, "").replace(/\/+$/, ""),
      mode: options.chmod ?? e.mode,
      mtime: e.mtime,
      uid: options.owner.uid,
      gid: options.owner.gid,
      type: e.type,
      size: e.size,
      ...(e.type === "symlink" ? { linkname: e.linkname ?? "" } : {}),
    },
    ...(e.type !== "file" ? {} : e.open ? { body: e.open } : { src: e.src }),
  }));
  const scope = new FsScope(merged, []);
  try {
    await copyIn(scope, "/", members, {
      noOverwriteDirNonDir: false,
      chown: options.owner,
      missing: "Could not find the file / in the build rootfs",
    });
  } finally {
    scope.close();
  }
}

/**
 * ADD of a local tar archive: its contents go into the destination
 * directory (made 0755 when missing), keeping the archive's owners and
 * modes, as moby's UntarPath; the archive file itself is not copied.
 */
async function unpackInto(merged: string, a: CopyEntry): Promise<void> {
  // A source named with a directory destination carries its base name.
  const dir = a.dest.endsWith(`/${posix.basename(a.src)}`)
    ? posix.dirname(a.dest)
    : a.dest;
  await resolveDirInRoot(merged, dir.split("/").filter(Boolean), {
    create: true,
  });
  const scope = new FsScope(merged, []);
  try {
    await extractToDir(scope, dir, createReadStream(a.src), {
      noOverwriteDirNonDir: false,
      missing: `Could not find the file ${dir} in the build rootfs`,
    });
  } finally {
    scope.close();
  }
}
