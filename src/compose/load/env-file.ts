/**
 * The dotenv format of `.env`, `--env-file` and a service's `env_file`:
 * `KEY=VALUE`, `export KEY=VALUE`, `#` comments (inline ones after a blank in
 * unquoted values), single quotes (literal), double quotes (with \n, \t, \\, \"
 * escapes and interpolation), and a bare `KEY` that takes the value from the
 * environment when set. Unquoted and double-quoted values are interpolated
 * against the variables already read and the lookup, as compose v2 does.
 */
import { readFileSync } from "node:fs";
import { errorMessage } from "../../util/errors.ts";
import { ComposeError } from "../errors.ts";
import { interpolateString, type Lookup } from "./interpolate.ts";

const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*(=\s*(.*))?$/;

/** Parses dotenv text. Throws ComposeError naming the file and line of a bad line. */
export function parseEnvFile(
  text: string,
  options: { file: string; lookup?: Lookup },
): Record<string, string> {
  const out: Record<string, string> = {};
  const lookup: Lookup = (name) => out[name] ?? options.lookup?.(name);
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n] ?? "";
    if (/^\s*(#|$)/.test(raw)) continue;
    const m = LINE.exec(raw);
    if (!m)
      throw new ComposeError(`unexpected character in variable name "${raw}"`, {
        file: options.file,
        line: n + 1,
        path: [],
      });
    const key = m[1] ?? "";
    if (m[2] === undefined) {
      const v = options.lookup?.(key);
      if (v !== undefined) out[key] = v;
      continue;
    }
    let value = m[3] ?? "";
    const q = value[0];
    if (q === "'" || q === '"') {
      // a quoted value may span lines until its closing quote
      let body = value.slice(1);
      let end = closingQuote(body, q);
      while (end < 0 && n + 1 < lines.length) {
        body += `\n${lines[++n] ?? ""}`;
        end = closingQuote(body, q);
      }
      if (end < 0)
        throw new ComposeError(`unterminated quoted value for ${key}`, {
          file: options.file,
          line: n + 1,
          path: [],
        });
      body = body.slice(0, end);
      out[key] = q === "'" ? body : interpolateString(unescape(body), lookup);
    } else {
      value = value.replace(/\s+#.*$/, "").trim();
      out[key] = interpolateString(value, lookup);
    }
  }
  return out;
}

function closingQuote(body: string, q: string): number {
  for (let i = 0; i < body.length; i++) {
    if (body[i] === "\\" && q === '"') i++;
    else if (body[i] === q) return i;
  }
  return -1;
}

function unescape(s: string): string {
  return s.replace(/\\([nrt"\\$])/g, (_, c: string) =>
    c === "n"
      ? "\n"
      : c === "r"
        ? "\r"
        : c === "t"
          ? "\t"
          : c === "$"
            ? "$$"
            : c,
  );
}

/** Reads a dotenv file. Throws ComposeError when it is missing or malformed. */
export function readEnvFile(
  file: string,
  options: { lookup?: Lookup; what?: string } = {},
): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ComposeError(
      `${options.what ?? "env file"} ${file} not found: ${errorMessage(err)}`,
    );
  }
  return parseEnvFile(text, {
    file,
    ...(options.lookup ? { lookup: options.lookup } : {}),
  });
}
