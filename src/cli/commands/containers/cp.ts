/** `wharf cp`: copies between a container and the local filesystem, Docker's rules. */
import { lstat, realpath } from "node:fs/promises";
import { posix } from "node:path";
import type { Readable } from "node:stream";
import {
  MODE_DIR,
  MODE_SYMLINK,
  type EngineClient,
} from "../../../client/index.ts";
import { StatusError, type Command } from "../../command.ts";
import { flagSpec, type FlagSpec } from "../../flags.ts";
import {
  destinationInfo,
  extractLocal,
  getRebaseName,
  packLocal,
  prepareArchiveCopy,
  splitPathDirEntry,
  type CopyInfo,
} from "./cp-local.ts";

type Side = { container: string; path: string };

/** Docker's splitCpArg: "/x" and "./x" are local; "name:path" names a container. */
function splitArg(arg: string): Side {
  if (arg.startsWith("/") || arg.startsWith("."))
    return { container: "", path: arg };
  const i = arg.indexOf(":");
  return i > 0
    ? { container: arg.slice(0, i), path: arg.slice(i + 1) }
    : { container: "", path: arg };
}

/** -a and -L, which `compose cp` takes too and passes on. */
export const CP_FLAGS: readonly FlagSpec[] = [
  flagSpec(
    "bool",
    "archive",
    "Archive mode (copy all uid/gid information)",
    "a",
  ),
  flagSpec("bool", "follow-link", "Always follow symbol link in SRC_PATH", "L"),
];

/** `wharf cp [OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-` and the reverse. */
export const cp: Command = {
  usage:
    "[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\twharf cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH",
  short: "Copy files/folders between a container and the local filesystem",
  flags: [
    ...CP_FLAGS,
    {
      name: "quiet",
      short: "q",
      type: "bool",
      description: "Suppress progress output during copy",
    },
  ],
  args: { min: 2, max: 2 },
  action: async (ctx) => {
    const src = splitArg(ctx.args[0]!);
    const dst = splitArg(ctx.args[1]!);
    if (src.path === "") throw new StatusError("source can not be empty", 1);
    if (dst.path === "")
      throw new StatusError("destination can not be empty", 1);
    const follow = ctx.flags.bool("follow-link");
    const client = ctx.client();
    if (src.container && dst.container)
      throw new StatusError("copying between containers is not supported", 1);
    if (src.container)
      return copyFrom(client, src, dst.path, { follow, stdout: ctx.io.stdout });
    if (dst.container)
      return copyTo(client, src.path, dst, {
        follow,
        copyUIDGID: ctx.flags.bool("archive"),
        stdin: ctx.io.stdin as Readable,
      });
    throw new StatusError("must specify at least one container source", 1);
  },
};

async function copyFrom(
  client: EngineClient,
  src: Side,
  dstPath: string,
  o: { follow: boolean; stdout: NodeJS.WritableStream },
): Promise<void> {
  let srcPath = src.path;
  let rebase = "";
  if (o.follow) {
    const st = await client.archive
      .statPath(src.container, srcPath)
      .catch(() => undefined);
    if (st && st.mode & MODE_SYMLINK) {
      let target = st.linkTarget;
      if (!target.startsWith("/"))
        target = posix.join(splitPathDirEntry(srcPath)[0], target);
      [srcPath, rebase] = getRebaseName(srcPath, target);
    }
  }
  const { stat, tar } = await client.archive.getArchive(src.container, srcPath);
  if (dstPath === "-") {
    for await (const chunk of tar)
      if (!o.stdout.write(chunk as Buffer))
        await new Promise((ok) => o.stdout.once("drain", ok));
    return;
  }
  const srcInfo: CopyInfo = {
    path: srcPath,
    exists: true,
    isDir: (stat.mode & MODE_DIR) !== 0,
    rebaseName: rebase,
  };
  const dstInfo = await destinationInfo(dstPath);
  const plan = prepareArchiveCopy(srcInfo, dstInfo);
  const srcBase = splitPathDirEntry(srcPath)[1];
  // A -L rename happens before the destination's own rebase (moby applies both in turn).
  const first: [string, string] | undefined = rebase
    ? [srcBase, rebase]
    : undefined;
  const finalRebase: [string, string] | undefined = plan.rebase
    ? [first ? srcBase : plan.rebase[0], plan.rebase[1]]
    : first;
  await extractLocal(tar, plan.dir, finalRebase);
}

async function copyTo(
  client: EngineClient,
  srcPath: string,
  dst: Side,
  o: { follow: boolean; copyUIDGID: boolean; stdin: Readable },
): Promise<void> {
  const dstInfo: CopyInfo = {
    path: dst.path,
    exists: false,
    isDir: false,
    rebaseName: "",
  };
  let st = await client.archive
    .statPath(dst.container, dst.path)
    .catch(() => undefined);
  if (st && st.mode & MODE_SYMLINK) {
    let target = st.linkTarget;
    if (!target.startsWith("/"))
      target = posix.join(splitPathDirEntry(dst.path)[0], target);
    dstInfo.path = target;
    st = await client.archive
      .statPath(dst.container, target)
      .catch(() => undefined);
  }
  if (st) [dstInfo.exists, dstInfo.isDir] = [true, (st.mode & MODE_DIR) !== 0];
  const put = (dir: string, body: Readable) =>
    client.archive.putArchive(dst.container, dir, body, {
      noOverwriteDirNonDir: true,
      copyUIDGID: o.copyUIDGID,
    });
  if (srcPath === "-") {
    if (!dstInfo.isDir)
      throw new StatusError(
        `destination "${dst.container}:${dst.path}" must be a directory`,
        1,
      );
    return put(dstInfo.path, o.stdin);
  }
  const srcInfo = await sourceInfo(srcPath, o.follow);
  const plan = prepareArchiveCopy(srcInfo, dstInfo);
  const base = splitPathDirEntry(srcInfo.path)[1];
  const first: [string, string] | undefined = srcInfo.rebaseName
    ? [base, srcInfo.rebaseName]
    : undefined;
  const rebase: [string, string] | undefined = plan.rebase
    ? [base, plan.rebase[1]]
    : first;
  await put(plan.dir, packLocal(srcInfo.path, rebase));
}

/** moby CopyInfoSourcePath: resolves local symlinks (the last one only with -L). */
async function sourceInfo(path: string, follow: boolean): Promise<CopyInfo> {
  let resolved: string;
  let rebaseName = "";
  if (follow)
    [resolved, rebaseName] = getRebaseName(path, await realpath(path));
  else {
    const [dir, base] = splitPathDirEntry(path);
    resolved = `${await realpath(dir)}/${base}`;
    if (
      path.endsWith("/") &&
      splitPathDirEntry(resolved)[1] !== splitPathDirEntry(path)[1]
    )
      rebaseName = splitPathDirEntry(path)[1];
  }
  const st = await lstat(resolved);
  return { path: resolved, exists: true, isDir: st.isDirectory(), rebaseName };
}
