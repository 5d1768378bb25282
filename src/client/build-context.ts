/**
 * The build context as the Docker CLI sends it to POST /build: a tar of
 * the context directory, streamed file by file, without what
 * .dockerignore (or `<Dockerfile>.dockerignore`) excludes, but always with
 * the Dockerfile and the ignore file themselves. A Dockerfile from outside
 * the context (or from stdin) is added under a generated name, as the
 * Docker CLI does, and that name is what the request must give.
 */
import { randomBytes } from "node:crypto";
import { createReadStream, existsSync, readFileSync } from "node:fs";
import { lstat, readdir, readlink } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import tar from "tar-stream";
import { DockerIgnore } from "../conventions/dockerignore.ts";

/** A packed context and the Dockerfile name to send with it. */
export type PackedContext = { tar: Readable; dockerfile: string };

/**
 * Packs dir. dockerfile is a path as given to `-f` (relative to the
 * working directory, or absolute), or undefined for `<dir>/Dockerfile`;
 * dockerfileText replaces it (`-f -`). Throws with the Docker CLI's text
 * when the context or the Dockerfile is missing.
 */
export async function packContext(
  dir: string,
  options: { dockerfile?: string; dockerfileText?: string } = {},
): Promise<PackedContext> {
  const root = resolve(dir);
  const st = await lstat(root).catch(() => undefined);
  if (!st?.isDirectory())
    throw new Error(`unable to prepare context: path "${dir}" not found`);
  let text = options.dockerfileText;
  let name = "Dockerfile";
  if (text === undefined) {
    const path = options.dockerfile
      ? resolve(options.dockerfile)
      : join(root, "Dockerfile");
    if (!existsSync(path))
      throw new Error(
        `unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${path}: no such file or directory`,
      );
    const rel = relative(root, path);
    if (rel.startsWith(`..${sep}`) || rel === ".." || isAbsolute(rel))
      text = readFileSync(path, "utf8");
    else name = rel.split(sep).join("/");
  }
  // compat: the CLI adds an outside (or stdin) Dockerfile under a random name.
  if (text !== undefined)
    name = `.dockerfile.${randomBytes(10).toString("hex")}`;
  const ignore = readIgnore(root, name);
  const pack = tar.pack();
  const feeding = (async () => {
    await walk(root, "", ignore, new Set([name, ".dockerignore"]), pack);
    if (text !== undefined)
      pack.entry({ name, mode: 0o600, uid: 0, gid: 0 }, text);
    pack.finalize();
  })();
  feeding.catch((err: Error) => pack.destroy(err));
  return {
    tar: Readable.from(pack as AsyncIterable<Buffer>),
    dockerfile: name,
  };
}

function readIgnore(
  root: string,
  dockerfile: string,
): DockerIgnore | undefined {
  for (const f of [`${dockerfile}.dockerignore`, ".dockerignore"]) {
    const path = join(root, f);
    if (existsSync(path)) return new DockerIgnore(readFileSync(path, "utf8"));
  }
  return undefined;
}

async function walk(
  root: string,
  rel: string,
  ignore: DockerIgnore | undefined,
  always: Set<string>,
  pack: tar.Pack,
): Promise<void> {
  for (const child of (await readdir(join(root, rel))).sort()) {
    const r = rel ? `${rel}/${child}` : child;
    const abs = join(root, r);
    const st = await lstat(abs);
    const ignored = !always.has(r) && (ignore?.ignores(r) ?? false);
    if (st.isDirectory()) {
      // An ignored directory may still hold an exception ("!dir/keep").
      if (ignored && !ignore!.hasExceptions) continue;
      if (!ignored) pack.entry(header(r, st, "directory"));
      await walk(root, r, ignore, always, pack);
      continue;
    }
    if (ignored) continue;
    if (st.isSymbolicLink())
      pack.entry({
        ...header(r, st, "symlink"),
        linkname: await readlink(abs),
      });
    else if (st.isFile())
      await pipeline(
        createReadStream(abs),
        pack.entry({ ...header(r, st, "file"), size: st.size }),
      );
  }
}

function header(
  name: string,
  st: { mode: number; mtime: Date },
  type: "file" | "directory" | "symlink",
): {
  name: string;
  type: typeof type;
  mode: number;
  mtime: Date;
  uid: number;
  gid: number;
} {
  return {
    name,
    type,
    mode: st.mode & 0o7777,
    mtime: st.mtime,
    uid: 0,
    gid: 0,
  };
}
