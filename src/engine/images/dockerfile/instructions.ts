import { InvalidArgumentError } from "../../../util/errors.ts";
import {
  INSTRUCTIONS,
  parseError,
  splitFlags,
  type DockerfileNode,
  type Heredoc,
} from "./parser.ts";

/** Shell form (a string the SHELL runs) or exec form (a JSON array). */
export type CommandForm =
  { json: true; args: string[] } | { json: false; text: string };

/** One instruction with its arguments split but not expanded (expansion needs the stage's variables). */
export type Instruction =
  | { kind: "FROM"; image: string; name?: string; platform?: string }
  | {
      kind: "RUN";
      command: CommandForm;
      mounts: string[];
      network?: string;
      heredocs: Heredoc[];
    }
  | { kind: "CMD" | "ENTRYPOINT"; command: CommandForm }
  | { kind: "ENV" | "LABEL"; pairs: [string, string][] }
  | { kind: "ARG"; args: { name: string; value?: string }[] }
  | {
      kind: "COPY" | "ADD";
      /** Sources then destination, raw words (JSON form already decoded). */
      paths: string[];
      flags: Record<string, string>;
      heredocs: Heredoc[];
    }
  | { kind: "VOLUME"; paths: string[]; json: boolean }
  | {
      kind: "EXPOSE" | "USER" | "WORKDIR" | "STOPSIGNAL" | "MAINTAINER";
      text: string;
    }
  | { kind: "SHELL"; args: string[] }
  | { kind: "ONBUILD"; expression: string }
  | { kind: "HEALTHCHECK"; none: true }
  | {
      kind: "HEALTHCHECK";
      none: false;
      test: string[];
      flags: Record<string, string>;
    };

/** An instruction and the node it came from. */
export type Step = { node: DockerfileNode; instruction: Instruction };

const FLAGS: Record<string, string[]> = {
  FROM: ["platform"],
  RUN: ["mount", "network", "security"],
  COPY: ["from", "chown", "chmod", "link", "parents", "exclude"],
  ADD: ["chown", "chmod", "link", "checksum", "keep-git-dir", "exclude"],
  HEALTHCHECK: [
    "interval",
    "timeout",
    "start-period",
    "start-interval",
    "retries",
  ],
};

/**
 * Turns a node into a typed instruction. Throws InvalidArgumentError naming
 * file and line for a wrong argument count, an unknown flag or a form the
 * instruction refuses (Docker's texts).
 */
export function toInstruction(file: string, node: DockerfileNode): Instruction {
  try {
    return interpret(node);
  } catch (err) {
    if (err instanceof InvalidArgumentError && !err.message.startsWith(file))
      throw parseError(file, node.line, err.message);
    throw err;
  }
}

function interpret(node: DockerfileNode): Instruction {
  const k = node.keyword;
  const allowed = FLAGS[k] ?? [];
  const flags: Record<string, string> = {};
  const repeated: string[] = [];
  for (const f of node.flags) {
    const eq = f.indexOf("=");
    const name = eq < 0 ? f : f.slice(0, eq);
    const value = eq < 0 ? "true" : unquote(f.slice(eq + 1));
    if (!allowed.includes(name))
      throw new InvalidArgumentError(`unknown flag: ${name}`);
    if (name === "mount") repeated.push(value);
    else flags[name] = value;
  }
  const a = node.args;
  const need = (): void => {
    if (a.trim() === "")
      throw new InvalidArgumentError(`${k} requires at least one argument`);
  };
  switch (k) {
    case "FROM": {
      const w = a.split(/\s+/).filter(Boolean);
      if (w.length !== 1 && !(w.length === 3 && w[1]!.toUpperCase() === "AS"))
        throw new InvalidArgumentError(
          "FROM requires either one or three arguments",
        );
      return {
        kind: "FROM",
        image: w[0]!,
        ...(w[2] ? { name: w[2].toLowerCase() } : {}),
        ...(flags.platform ? { platform: flags.platform } : {}),
      };
    }
    case "RUN":
      if (node.heredocs.length === 0) need();
      return {
        kind: "RUN",
        command: commandForm(a),
        mounts: repeated,
        ...(flags.network ? { network: flags.network } : {}),
        heredocs: node.heredocs,
      };
    case "CMD":
    case "ENTRYPOINT":
      return { kind: k, command: commandForm(a) };
    case "ENV":
    case "LABEL":
      need();
      return { kind: k, pairs: nameValues(a, k) };
    case "ARG":
      need();
      return {
        kind: "ARG",
        args: splitQuoted(a).map((w) => {
          const eq = w.indexOf("=");
          return eq < 0
            ? { name: w }
            : { name: w.slice(0, eq), value: w.slice(eq + 1) };
        }),
      };
    case "COPY":
    case "ADD": {
      const json = jsonArray(a);
      const paths = json ?? splitQuoted(a);
      const min = node.heredocs.length ? 1 : 2;
      if (paths.length < min)
        throw new InvalidArgumentError(
          `${k} requires at least two arguments, but only ${paths.length} ${paths.length === 1 ? "was" : "were"} provided. Destination could not be determined`,
        );
      return { kind: k, paths, flags, heredocs: node.heredocs };
    }
    case "VOLUME": {
      need();
      const json = jsonArray(a);
      return json
        ? { kind: "VOLUME", paths: json, json: true }
        : { kind: "VOLUME", paths: [a], json: false };
    }
    case "EXPOSE":
    case "USER":
    case "WORKDIR":
    case "STOPSIGNAL":
    case "MAINTAINER":
      need();
      return { kind: k, text: a };
    case "SHELL": {
      const json = jsonArray(a);
      if (!json)
        throw new InvalidArgumentError(
          "SHELL requires the arguments to be in JSON form",
        );
      if (json.length === 0)
        throw new InvalidArgumentError("SHELL requires at least one argument");
      return { kind: "SHELL", args: json };
    }
    case "ONBUILD":
      need();
      return { kind: "ONBUILD", expression: checkOnbuild(a) };
    default:
      return healthcheck(a, flags);
  }
}

function healthcheck(a: string, flags: Record<string, string>): Instruction {
  const m = /^(\S+)\s*(.*)$/s.exec(a.trim());
  const type = m?.[1]?.toUpperCase();
  if (type === "NONE") {
    if (m![2] !== "" || Object.keys(flags).length)
      throw new InvalidArgumentError("HEALTHCHECK NONE takes no arguments");
    return { kind: "HEALTHCHECK", none: true };
  }
  if (type !== "CMD")
    throw new InvalidArgumentError(
      `Unknown type ${JSON.stringify(m?.[1] ?? "")} in HEALTHCHECK (try CMD)`,
    );
  const form = commandForm(m![2]!);
  if (form.json ? form.args.length === 0 : form.text === "")
    throw new InvalidArgumentError("Missing command after HEALTHCHECK CMD");
  const test = form.json ? ["CMD", ...form.args] : ["CMD-SHELL", form.text];
  return { kind: "HEALTHCHECK", none: false, test, flags };
}

function checkOnbuild(expression: string): string {
  const m = /^(\S+)/.exec(expression)!;
  const inner = m[1]!.toUpperCase();
  if (inner === "ONBUILD")
    throw new InvalidArgumentError(
      "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed",
    );
  if (inner === "FROM" || inner === "MAINTAINER")
    throw new InvalidArgumentError(
      `${inner} isn't allowed as an ONBUILD trigger`,
    );
  if (!INSTRUCTIONS.has(inner))
    throw new InvalidArgumentError(`unknown instruction: ${m[1]!}`);
  const { flags, rest } = splitFlags(expression.slice(m[0].length));
  return [inner, ...flags.map((f) => `--${f}`), rest].join(" ").trim();
}

/** Exec form when the text is a JSON array of strings, else shell form (moby's parseMaybeJSON). */
export function commandForm(text: string): CommandForm {
  const json = jsonArray(text);
  return json ? { json: true, args: json } : { json: false, text: text.trim() };
}

/** A JSON array of strings, or undefined (then the text is shell form). */
export function jsonArray(text: string): string[] | undefined {
  const t = text.trim();
  if (!t.startsWith("[")) return undefined;
  try {
    const v: unknown = JSON.parse(t);
    if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v;
  } catch {
    // not JSON: shell form
  }
  return undefined;
}

/** Splits at unquoted whitespace, keeping quotes and escapes (expansion removes them). */
export function splitQuoted(text: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quote = "";
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      cur += c;
      if (c === "\\" && quote === '"' && i + 1 < text.length) cur += text[++i]!;
      else if (c === quote) quote = "";
      continue;
    }
    if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = "";
      inWord = false;
      continue;
    }
    inWord = true;
    cur += c;
    if (c === "\\" && i + 1 < text.length) cur += text[++i]!;
    else if (c === '"' || c === "'") quote = c;
  }
  if (quote)
    throw new InvalidArgumentError(
      `unexpected end of statement while looking for matching ${quote === '"' ? "double" : "single"}-quote`,
    );
  if (inWord) out.push(cur);
  return out;
}

/** ENV/LABEL pairs: `k=v k2="v 2"` or the legacy one-pair `k v` (moby's parseNameVal). */
function nameValues(text: string, kind: string): [string, string][] {
  const words = splitQuoted(text);
  if (!words[0]!.includes("=")) {
    // compat: the legacy form takes the rest of the line as the value.
    const m = /^(\S+)\s+(.*)$/s.exec(text.trim());
    if (!m) throw new InvalidArgumentError(`${kind} must have two arguments`);
    return [[m[1]!, m[2]!]];
  }
  return words.map((w) => {
    const eq = w.indexOf("=");
    if (eq < 0)
      throw new InvalidArgumentError(
        `Syntax error - can't find = in "${w}". Must be of the form: name=value`,
      );
    if (eq === 0)
      throw new InvalidArgumentError(`${kind} names can not be blank`);
    return [w.slice(0, eq), w.slice(eq + 1)];
  });
}

function unquote(v: string): string {
  const m = /^(["'])(.*)\1$/s.exec(v);
  return m ? m[2]! : v;
}
