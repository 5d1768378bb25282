/**
 * `extends: {file: …}`: the base service's relative paths (build context,
 * env_file, bind-mount sources, extends' own file) are relative to the file
 * that defines it, as Compose v2 resolves them; rebaseService makes them
 * absolute before the base is merged into a service of another file.
 */
import { resolvePath } from "./service-volumes.ts";
import { type Dict, isDict } from "./dict.ts";

const relative = (p: string): boolean =>
  p.startsWith("./") || p.startsWith("../") || p === "." || p === "..";

/** A build context that is a URL (git, http) is not a path. */
const isRemote = (p: string): boolean =>
  /^[a-z][a-z0-9+.-]*:\/\//i.test(p) || p.startsWith("git@");

function context(v: string, dir: string): string {
  return isRemote(v) ? v : resolvePath(dir, v);
}

function envFile(v: unknown, dir: string): unknown {
  if (typeof v === "string") return resolvePath(dir, v);
  if (isDict(v) && typeof v.path === "string")
    return { ...v, path: resolvePath(dir, v.path) };
  return v;
}

function volume(v: unknown, dir: string): unknown {
  if (typeof v === "string") {
    const i = v.indexOf(":");
    if (i <= 0) return v;
    const src = v.slice(0, i);
    return relative(src) || src === "~" || src.startsWith("~/")
      ? `${resolvePath(dir, src)}${v.slice(i)}`
      : v;
  }
  if (
    isDict(v) &&
    v.type === "bind" &&
    typeof v.source === "string" &&
    !v.source.startsWith("/")
  )
    return { ...v, source: resolvePath(dir, v.source) };
  return v;
}

/** A copy of a raw service whose relative paths are resolved against dir. */
export function rebaseService(svc: Dict, dir: string): Dict {
  const out: Dict = { ...svc };
  if (typeof out.build === "string") out.build = context(out.build, dir);
  else if (isDict(out.build))
    out.build = {
      ...out.build,
      context: context(
        typeof out.build.context === "string" ? out.build.context : ".",
        dir,
      ),
    };
  if (out.env_file !== undefined)
    out.env_file = Array.isArray(out.env_file)
      ? out.env_file.map((f) => envFile(f, dir))
      : envFile(out.env_file, dir);
  if (Array.isArray(out.volumes))
    out.volumes = out.volumes.map((v) => volume(v, dir));
  if (isDict(out.extends) && typeof out.extends.file === "string")
    out.extends = {
      ...out.extends,
      file: resolvePath(dir, out.extends.file),
    };
  return out;
}
