import { InvalidArgumentError } from "../../../util/errors.ts";

/** A here-document attached to RUN, COPY or ADD (`<<EOF … EOF`). */
export type Heredoc = {
  /** The terminator word, e.g. "EOF". */
  name: string;
  /** The body, each line ending in "\n"; leading tabs gone for `<<-`. */
  content: string;
  /** False when the terminator was quoted (`<<"EOF"`): no variable expansion. */
  expand: boolean;
};

/** One instruction as written: keyword, leading flags, the rest, where it is. */
export type DockerfileNode = {
  /** Upper-case instruction name. */
  keyword: string;
  /** Leading `--name=value` words, in order, without the dashes. */
  flags: string[];
  /** Everything after the keyword and flags, continuation lines joined. */
  args: string;
  heredocs: Heredoc[];
  /** The instruction text with continuations joined (history and cache key). */
  original: string;
  /** 1-based first and last source line (heredoc bodies included). */
  line: number;
  endLine: number;
};

/** A parsed Dockerfile: its parser directives and instructions. */
export type Dockerfile = {
  file: string;
  /** The escape character: `\` unless `# escape=`` ` ``. */
  escape: string;
  /** Parser directives seen at the top (syntax, escape, check), lower-case keys. */
  directives: Record<string, string>;
  nodes: DockerfileNode[];
};

/** Every instruction the builder knows (Docker's reference, BuildKit 1.x). */
export const INSTRUCTIONS = new Set([
  "ADD",
  "ARG",
  "CMD",
  "COPY",
  "ENTRYPOINT",
  "ENV",
  "EXPOSE",
  "FROM",
  "HEALTHCHECK",
  "LABEL",
  "MAINTAINER",
  "ONBUILD",
  "RUN",
  "SHELL",
  "STOPSIGNAL",
  "USER",
  "VOLUME",
  "WORKDIR",
]);

const DIRECTIVES = new Set(["syntax", "escape", "check"]);
const HEREDOC_INSTRUCTIONS = new Set(["RUN", "COPY", "ADD"]);

/**
 * A parse error that names the file and line, with Docker's wording after
 * them ("dockerfile parse error line N: …").
 */
export function parseError(
  file: string,
  line: number,
  message: string,
): InvalidArgumentError {
  return new InvalidArgumentError(
    `${file}: dockerfile parse error line ${line}: ${message}`,
  );
}

/**
 * Parses Dockerfile text into nodes: parser directives at the very top,
 * `#` comment lines (also inside continuations), blank lines, line
 * continuations with the escape character, here-documents for RUN, COPY and
 * ADD. Keywords are case-insensitive. Does not interpret arguments (see
 * instructions.ts). Throws InvalidArgumentError naming file and line for
 * an unknown instruction, a bad directive or an unterminated heredoc.
 */
export function parseDockerfile(
  text: string,
  options: { file?: string } = {},
): Dockerfile {
  const file = options.file ?? "Dockerfile";
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const directives: Record<string, string> = {};
  let i = 0;
  // Parser directives: only before the first instruction, comment or blank line.
  for (; i < lines.length; i++) {
    const m = /^#\s*([A-Za-z][A-Za-z0-9]*)\s*=\s*(.*?)\s*$/.exec(lines[i]!);
    if (!m) break;
    const key = m[1]!.toLowerCase();
    if (!DIRECTIVES.has(key)) break;
    if (key in directives)
      throw parseError(
        file,
        i + 1,
        `only one ${key} parser directive can be used`,
      );
    directives[key] = m[2]!;
  }
  const escape = directives.escape ?? "\\";
  if (escape !== "\\" && escape !== "`")
    throw parseError(
      file,
      1,
      `invalid escape token '${escape}' does not match \` or \\`,
    );
  const continued = new RegExp(`${escape === "\\" ? "\\\\" : "`"}[ \\t]*$`);
  const nodes: DockerfileNode[] = [];
  while (i < lines.length) {
    const raw = lines[i]!;
    const start = i;
    i++;
    if (isBlankOrComment(raw)) continue;
    let text = raw.trim();
    while (continued.test(text) && i < lines.length) {
      text = text.replace(continued, "");
      const next = lines[i]!;
      i++;
      // compat: comment and empty lines inside a continuation are dropped.
      if (isBlankOrComment(next)) {
        text += escape;
        continue;
      }
      text += next;
    }
    text = text.replace(continued, "").trim();
    const m = /^(\S+)\s*(.*)$/s.exec(text)!;
    const keyword = m[1]!.toUpperCase();
    if (!INSTRUCTIONS.has(keyword))
      throw parseError(file, start + 1, `unknown instruction: ${m[1]!}`);
    const { flags, rest } = splitFlags(m[2]!);
    const heredocs: Heredoc[] = [];
    if (HEREDOC_INSTRUCTIONS.has(keyword) && !rest.startsWith("[")) {
      for (const h of heredocNames(rest)) {
        const body: string[] = [];
        for (;;) {
          if (i >= lines.length)
            throw parseError(
              file,
              start + 1,
              `unterminated heredoc ${h.name} in ${keyword}`,
            );
          let l = lines[i]!;
          i++;
          if (h.chomp) l = l.replace(/^\t+/, "");
          if (l === h.name) break;
          body.push(`${l}\n`);
        }
        heredocs.push({
          name: h.name,
          content: body.join(""),
          expand: h.expand,
        });
      }
    }
    nodes.push({
      keyword,
      flags,
      args: rest,
      heredocs,
      original: text,
      line: start + 1,
      endLine: i,
    });
  }
  return { file, escape, directives, nodes };
}

function isBlankOrComment(line: string): boolean {
  const t = line.trim();
  return t === "" || t.startsWith("#");
}

/** Leading `--flag[=value]` words; the rest keeps its own spacing. */
export function splitFlags(args: string): { flags: string[]; rest: string } {
  const flags: string[] = [];
  let rest = args.trim();
  for (;;) {
    const m =
      /^--([A-Za-z][A-Za-z0-9-]*(?:=(?:"[^"]*"|'[^']*'|\S)*)?)(?:\s+|$)/.exec(
        rest,
      );
    if (!m) break;
    flags.push(m[1]!);
    rest = rest.slice(m[0].length);
  }
  return { flags, rest };
}

/** `<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'` markers in order (BuildKit's heredoc syntax). */
function heredocNames(
  rest: string,
): { name: string; chomp: boolean; expand: boolean }[] {
  const out = [];
  const re = /<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g;
  for (const m of rest.matchAll(re))
    out.push({ name: m[3]!, chomp: m[1] === "-", expand: m[2] === "" });
  return out;
}
