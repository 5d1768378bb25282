/**
 * The build context of a `build:` section as a tar stream: every file under
 * the context directory except what `.dockerignore` excludes (patterns with
 * `*`, `?`, `**` and `!` exceptions, as Docker's fileutils match them), plus
 * `dockerfile_inline` written as the Dockerfile.
 */
import {
  lstatSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  existsSync,
} from "node:fs";
import { join, relative } from "node:path";
import { Readable } from "node:stream";
import { pack } from "tar-stream";

function globRegex(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? "";
    if (c === "*" && pattern[i + 1] === "*") {
      re += ".*";
      i++;
      if (pattern[i + 1] === "/") i++;
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  // a pattern matching a directory excludes what is below it
  return new RegExp(`^${re}(/.*)?$`);
}

/** Reads .dockerignore into a predicate on context-relative paths. */
export function ignoreMatcher(context: string): (rel: string) => boolean {
  const file = join(context, ".dockerignore");
  if (!existsSync(file)) return () => false;
  return patternMatcher(readFileSync(file, "utf8").split("\n"));
}

/** Dockerignore-style patterns (`*`, `?`, `**`, `!` exceptions, `#` comments) as a predicate on relative paths. */
export function patternMatcher(patterns: string[]): (rel: string) => boolean {
  const rules = patterns
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => {
      const negate = l.startsWith("!");
      const p = (negate ? l.slice(1) : l)
        .replace(/^\/+/, "")
        .replace(/\/+$/, "");
      return { negate, re: globRegex(p) };
    });
  return (rel) => {
    let out = false;
    for (const r of rules) if (r.re.test(rel)) out = !r.negate;
    return out;
  };
}

/** Packs the context directory; `inline` replaces the Dockerfile's text. Throws when the context is unreadable. */
export function contextTar(
  context: string,
  options: { dockerfile?: string; inline?: string } = {},
): Readable {
  const tar = pack();
  const ignored = ignoreMatcher(context);
  const entries: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const abs = join(dir, name);
      const rel = relative(context, abs);
      // compat: Docker always sends the Dockerfile and .dockerignore, even when ignored
      if (
        ignored(rel) &&
        rel !== (options.dockerfile ?? "Dockerfile") &&
        rel !== ".dockerignore"
      )
        continue;
      entries.push(abs);
      if (lstatSync(abs).isDirectory()) walk(abs);
    }
  };
  walk(context);
  for (const abs of entries) {
    const st = lstatSync(abs);
    const name = relative(context, abs);
    const common = {
      name,
      mode: st.mode & 0o7777,
      mtime: st.mtime,
      uid: 0,
      gid: 0,
    };
    if (st.isDirectory()) tar.entry({ ...common, type: "directory" });
    else if (st.isSymbolicLink())
      tar.entry({ ...common, type: "symlink", linkname: readlinkSync(abs) });
    else if (st.isFile())
      tar.entry({ ...common, type: "file" }, readFileSync(abs));
  }
  if (options.inline !== undefined)
    tar.entry(
      { name: options.dockerfile ?? "Dockerfile", mode: 0o644 },
      options.inline,
    );
  tar.finalize();
  return Readable.from(tar as AsyncIterable<Buffer>);
}
