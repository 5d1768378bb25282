/**
 * Variable interpolation of compose files (the Compose spec's
 * "Interpolation" section): `$VAR`, `${VAR}`, `${VAR:-default}`,
 * `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`, `${VAR:+alt}`,
 * `${VAR+alt}`, nested in defaults (`${A:-${B}}`), and `$$` for a literal `$`.
 */
import { ComposeError, keyPath } from "../errors.ts";

/** A lookup of variable values (undefined = unset). */
export type Lookup = (name: string) => string | undefined;

/** Thrown by substitute(); interpolateTree() adds the file and key. */
class TemplateProblem extends Error {}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/**
 * Substitutes variables in one string. `unset` is told each variable that was
 * used without a value and without a default (compose warns about those).
 * Throws TemplateProblem on a bad template or a `?` variable without a value.
 */
function substitute(
  text: string,
  lookup: Lookup,
  unset: (name: string) => void,
): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c !== "$") {
      out += c;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === "$") {
      out += "$";
      i += 2;
      continue;
    }
    if (next === "{") {
      const end = closingBrace(text, i + 2);
      if (end < 0) throw new TemplateProblem("invalid");
      out += expand(text.slice(i + 2, end), lookup, unset);
      i = end + 1;
      continue;
    }
    const m = NAME.exec(text.slice(i + 1));
    if (!m) {
      // compose-go: a lone "$" before a non-name character is an error
      if (next === undefined || /\s/.test(next)) {
        out += "$";
        i++;
        continue;
      }
      throw new TemplateProblem("invalid");
    }
    const value = lookup(m[0]);
    if (value === undefined) unset(m[0]);
    out += value ?? "";
    i += 1 + m[0].length;
  }
  return out;
}

/** Index of the "}" closing a "${" whose body starts at `from`, or -1. */
function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let j = from; j < text.length; j++) {
    if (text[j] === "$" && text[j + 1] === "{") {
      depth++;
      j++;
    } else if (text[j] === "}" && --depth === 0) return j;
  }
  return -1;
}

/** Expands the body of one `${…}`. */
function expand(
  body: string,
  lookup: Lookup,
  unset: (name: string) => void,
): string {
  const m = NAME.exec(body);
  if (!m) throw new TemplateProblem("invalid");
  const name = m[0];
  const rest = body.slice(name.length);
  const value = lookup(name);
  if (rest === "") {
    if (value === undefined) unset(name);
    return value ?? "";
  }
  const op = /^(:?[-?+])/.exec(rest)?.[1];
  if (!op) throw new TemplateProblem("invalid");
  const arg = () => substitute(rest.slice(op.length), lookup, unset);
  const empty = value === undefined || (op.startsWith(":") && value === "");
  switch (op.replace(":", "")) {
    case "-":
      return empty ? arg() : (value ?? "");
    case "+":
      return empty ? "" : arg();
    default:
      if (empty)
        throw new TemplateProblem(
          `required variable ${name} is missing a value${rest.length > op.length ? `: ${arg()}` : ""}`,
        );
      return value ?? "";
  }
}

/**
 * Interpolates every string value of a parsed file (keys stay as written,
 * as in compose-go). Throws ComposeError naming the file, line and key.
 */
export function interpolateTree(
  data: unknown,
  options: {
    lookup: Lookup;
    file: string;
    lineOf?: (path: (string | number)[]) => number | undefined;
    warn?: (message: string) => void;
  },
): unknown {
  const warned = new Set<string>();
  const unset = (name: string): void => {
    if (warned.has(name)) return;
    warned.add(name);
    options.warn?.(
      `The "${name}" variable is not set. Defaulting to a blank string.`,
    );
  };
  const walk = (v: unknown, path: (string | number)[]): unknown => {
    if (typeof v === "string") {
      try {
        return substitute(v, options.lookup, unset);
      } catch (err) {
        if (!(err instanceof TemplateProblem)) throw err;
        const where = {
          file: options.file,
          path: [],
          line: options.lineOf?.(path),
        };
        if (err.message === "invalid")
          throw new ComposeError(
            `invalid interpolation format for ${keyPath(path)}: "${v}"; you may need to escape any $ with another $`,
            where,
          );
        throw new ComposeError(`${keyPath(path)}: ${err.message}`, where);
      }
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...path, i]));
    if (v && typeof v === "object")
      return Object.fromEntries(
        Object.entries(v).map(([k, x]) => [k, walk(x, [...path, k])]),
      );
    return v;
  };
  return walk(data, []);
}

/** Interpolates one string (for .env values and the like). Throws ComposeError on a bad template. */
export function interpolateString(text: string, lookup: Lookup): string {
  try {
    return substitute(text, lookup, () => undefined);
  } catch (err) {
    if (err instanceof TemplateProblem)
      throw new ComposeError(
        err.message === "invalid"
          ? `invalid interpolation format: "${text}"`
          : err.message,
      );
    throw err;
  }
}
