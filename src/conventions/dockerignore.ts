import { posix } from "node:path";

type Rule = { re: RegExp; exclude: boolean };

/**
 * A .dockerignore matcher with Docker's rules (moby's patternmatcher): one
 * pattern a line, `#` comments, `!` exceptions, `*` and `?` within one
 * path element, `**` across any number of them; paths are cleaned and a
 * leading "/" is dropped. A path is ignored when the last pattern matching
 * it or one of its parent directories is not an exception.
 */
export class DockerIgnore {
  #rules: Rule[];

  constructor(text: string) {
    this.#rules = [];
    for (const raw of text.split(/\r?\n/)) {
      let line = raw.trim();
      if (line === "" || line.startsWith("#")) continue;
      const exclude = !line.startsWith("!");
      if (!exclude) line = line.slice(1).trim();
      const clean = posix
        .normalize(line)
        .replace(/^\/+/, "")
        .replace(/\/+$/, "");
      if (clean === "" || clean === ".") continue;
      this.#rules.push({ re: compile(clean), exclude });
    }
  }

  /** True when rel (a path relative to the context, no leading "/") is ignored. */
  ignores(rel: string): boolean {
    const parts = rel.split("/").filter(Boolean);
    let ignored = false;
    for (const rule of this.#rules) {
      // compat: a pattern matching a parent directory matches what is below it.
      let hit = false;
      for (let n = parts.length; n > 0 && !hit; n--)
        hit = rule.re.test(parts.slice(0, n).join("/"));
      if (hit) ignored = rule.exclude;
    }
    return ignored;
  }

  /** Whether any exception pattern exists (then an ignored dir may still hold kept files). */
  get hasExceptions(): boolean {
    return this.#rules.some((r) => !r.exclude);
  }
}

function compile(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*" && pattern[i + 1] === "*") {
      i++;
      if (pattern[i + 1] === "/") {
        i++;
        re += "(?:.*/)?";
      } else re += ".*";
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "\\" && i + 1 < pattern.length) re += escape(pattern[++i]!);
    else if (c === "[") {
      const end = pattern.indexOf("]", i);
      if (end < 0) re += "\\[";
      else {
        re += `[${pattern.slice(i + 1, end).replace(/^!/, "^")}]`;
        i = end;
      }
    } else re += escape(c);
  }
  return new RegExp(`^${re}$`);
}

function escape(c: string): string {
  return c.replace(/[.+^${}()|[\]\\/]/g, "\\$&");
}
