import { InvalidArgumentError } from "../../../util/errors.ts";

/** Variables visible to a Dockerfile word: ENV of the stage, then declared ARGs. */
export type Vars = ReadonlyMap<string, string>;

/**
 * Expands one Dockerfile word the way Docker's shell lexer does (moby's
 * shell.ProcessWord): `$VAR`, `${VAR}`, `${VAR:-word}`, `${VAR-word}`,
 * `${VAR:+word}`, `${VAR+word}`, `${VAR:?message}`; single quotes keep
 * their text literally, double quotes allow expansion; both are removed.
 * The escape character (`\` or `` ` ``) keeps the next character literal.
 * An unset variable expands to "". Throws InvalidArgumentError for a bad
 * substitution or `${VAR:?msg}` of an unset variable.
 */
export function expandWord(word: string, vars: Vars, escape = "\\"): string {
  return new Lexer(word, vars, escape).word();
}

/**
 * Expands and splits a string into words at unquoted whitespace (moby's
 * ProcessWords, used for EXPOSE, VOLUME and the like): a variable's value
 * is split like the rest of the text.
 */
export function expandWords(text: string, vars: Vars, escape = "\\"): string[] {
  return new Lexer(text, vars, escape).words();
}

class Lexer {
  #s: string;
  #i = 0;
  #vars: Vars;
  #esc: string;

  constructor(s: string, vars: Vars, esc: string) {
    this.#s = s;
    this.#vars = vars;
    this.#esc = esc;
  }

  word(stopAt = ""): string {
    let out = "";
    while (this.#i < this.#s.length) {
      const c = this.#s[this.#i]!;
      if (stopAt.includes(c)) break;
      out += this.#piece(c);
    }
    return out;
  }

  words(): string[] {
    const out: string[] = [];
    let cur = "";
    let quoted = false;
    const flush = (): void => {
      // compat: a word that expanded to nothing is dropped unless quoted.
      if (cur !== "" || quoted) out.push(cur);
      cur = "";
      quoted = false;
    };
    while (this.#i < this.#s.length) {
      const c = this.#s[this.#i]!;
      if (/\s/.test(c)) {
        this.#i++;
        flush();
        continue;
      }
      if (c === "$") {
        // compat: an unquoted variable's value splits into words (ProcessWords).
        const parts = this.#dollar().split(/\s+/);
        cur += parts[0] ?? "";
        for (const p of parts.slice(1)) {
          flush();
          cur = p;
        }
        continue;
      }
      if (c === "'" || c === '"') quoted = true;
      cur += this.#piece(c);
    }
    flush();
    return out;
  }

  #piece(c: string): string {
    if (c === this.#esc) {
      this.#i++;
      if (this.#i >= this.#s.length) return "";
      return this.#s[this.#i++]!;
    }
    if (c === "'") return this.#single();
    if (c === '"') return this.#double();
    if (c === "$") return this.#dollar();
    this.#i++;
    return c;
  }

  #single(): string {
    this.#i++;
    const end = this.#s.indexOf("'", this.#i);
    if (end < 0)
      throw new InvalidArgumentError(
        "unexpected end of statement while looking for matching single-quote",
      );
    const out = this.#s.slice(this.#i, end);
    this.#i = end + 1;
    return out;
  }

  #double(): string {
    this.#i++;
    let out = "";
    while (this.#i < this.#s.length) {
      const c = this.#s[this.#i]!;
      if (c === '"') {
        this.#i++;
        return out;
      }
      if (c === this.#esc) {
        const next = this.#s[this.#i + 1];
        // compat: inside double quotes the escape only protects " $ and itself.
        if (next === '"' || next === "$" || next === this.#esc) {
          out += next;
          this.#i += 2;
          continue;
        }
        out += c;
        this.#i++;
        continue;
      }
      if (c === "$") {
        out += this.#dollar();
        continue;
      }
      out += c;
      this.#i++;
    }
    throw new InvalidArgumentError(
      "unexpected end of statement while looking for matching double-quote",
    );
  }

  #dollar(): string {
    this.#i++;
    const c = this.#s[this.#i];
    if (c === "{") {
      this.#i++;
      return this.#braced();
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.#s.slice(this.#i));
    if (!m) {
      // compat: a lone $ (or $ before a non-name character) stays literal.
      if (c !== undefined && /[0-9*#?@!$-]/.test(c)) {
        this.#i++;
        return "";
      }
      return "$";
    }
    this.#i += m[0].length;
    return this.#vars.get(m[0]) ?? "";
  }

  #braced(): string {
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.#s.slice(this.#i));
    if (!m) throw new InvalidArgumentError(`bad substitution: ${this.#s}`);
    const name = m[0];
    this.#i += name.length;
    const value = this.#vars.get(name);
    if (this.#i >= this.#s.length)
      throw new InvalidArgumentError(`missing '}' in substitution: ${this.#s}`);
    if (this.#s[this.#i] === "}") {
      this.#i++;
      return value ?? "";
    }
    let op = this.#s[this.#i] ?? "";
    this.#i++;
    if (op === ":") {
      op += this.#s[this.#i] ?? "";
      this.#i++;
    }
    if (!["-", ":-", "+", ":+", "?", ":?"].includes(op))
      throw new InvalidArgumentError(
        `unsupported modifier (${op}) in substitution`,
      );
    const word = this.word("}");
    if (this.#s[this.#i] !== "}")
      throw new InvalidArgumentError(`missing '}' in substitution: ${this.#s}`);
    this.#i++;
    const set = value !== undefined;
    const nonEmpty = set && value !== "";
    switch (op) {
      case "-":
        return set ? value : word;
      case ":-":
        return nonEmpty ? value : word;
      case "+":
        return set ? word : "";
      case ":+":
        return nonEmpty ? word : "";
      default: {
        const ok = op === "?" ? set : nonEmpty;
        if (!ok)
          throw new InvalidArgumentError(
            `${name}: ${word || "is not allowed to be unset"}`,
          );
        return value!;
      }
    }
  }
}

/** KEY=value strings → a variable map (later entries win). */
export function envMap(env: readonly string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of env) {
    const eq = e.indexOf("=");
    if (eq < 0) m.set(e, "");
    else m.set(e.slice(0, eq), e.slice(eq + 1));
  }
  return m;
}
