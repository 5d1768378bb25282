/**
 * Parser for the Go text/template subset `--format` accepts: text, actions
 * with `{{-`/`-}}` trimming, pipelines with `|`, fields, variables, string /
 * number / bool literals, parenthesised pipelines, and the if / else / range /
 * with / end control structures.
 */

/** One operand of a command. */
export type Operand =
  | {
      kind: "field";
      /** "dot" for `.`, else a variable name like "$" or "$x". */ base: string;
      path: string[];
    }
  | { kind: "literal"; value: unknown }
  | { kind: "func"; name: string }
  | { kind: "pipe"; pipe: Pipeline; path: string[] };
/** Operands of one command: a function call or a single value. */
export type Cmd = Operand[];
/** Commands separated by `|`, optionally declaring variables. */
export type Pipeline = { decl: string[]; cmds: Cmd[] };
/** A parsed template node. */
export type Node =
  | { kind: "text"; text: string }
  | { kind: "action"; pipe: Pipeline }
  | {
      kind: "if" | "with" | "range";
      pipe: Pipeline;
      body: Node[];
      elseBody: Node[];
    };

/** A template the parser or evaluator rejects; printed as Docker's "template parsing error". */
export class TemplateError extends Error {
  override name = "TemplateError";
}

/** Function names the evaluator knows; others are parse errors, as in Go. */
export const FUNCTION_NAMES = new Set([
  "json",
  "join",
  "split",
  "lower",
  "upper",
  "title",
  "pad",
  "truncate",
  "index",
  "printf",
  "print",
  "println",
  "len",
  "eq",
  "ne",
  "lt",
  "le",
  "gt",
  "ge",
  "not",
  "and",
  "or",
  "slice",
]);

const TOKEN =
  /\s*(?:("(?:[^"\\]|\\.)*")|(`[^`]*`)|(-?\d+(?:\.\d+)?)|(\$[A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)|(\.[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*|\.)|([A-Za-z_][A-Za-z0-9_]*)|(:=|=|\||\(|\)|,))/y;

type Token = {
  type: "str" | "num" | "var" | "field" | "ident" | "punct";
  text: string;
};

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < src.length) {
    if (/^\s*$/.test(src.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(src);
    if (!m)
      throw new TemplateError(
        `template: :1: unexpected "${src.slice(at).trim()[0] ?? ""}" in command`,
      );
    if (m[1] !== undefined)
      tokens.push({ type: "str", text: JSON.parse(m[1]) as string });
    else if (m[2] !== undefined)
      tokens.push({ type: "str", text: m[2].slice(1, -1) });
    else if (m[3] !== undefined) tokens.push({ type: "num", text: m[3] });
    else if (m[4] !== undefined) tokens.push({ type: "var", text: m[4] });
    else if (m[5] !== undefined) tokens.push({ type: "field", text: m[5] });
    else if (m[6] !== undefined) tokens.push({ type: "ident", text: m[6] });
    else tokens.push({ type: "punct", text: m[7] ?? "" });
  }
  return tokens;
}

function parsePipeline(
  tokens: Token[],
  pos: { i: number },
  closing?: string,
): Pipeline {
  const decl: string[] = [];
  // `$a, $b :=` or `$x :=` ahead of the commands
  const save = pos.i;
  while (tokens[pos.i]?.type === "var") {
    decl.push(tokens[pos.i]?.text ?? "");
    pos.i++;
    if (tokens[pos.i]?.text === ",") pos.i++;
    else break;
  }
  if (
    decl.length &&
    (tokens[pos.i]?.text === ":=" || tokens[pos.i]?.text === "=")
  )
    pos.i++;
  else {
    decl.length = 0;
    pos.i = save;
  }
  const cmds: Cmd[] = [];
  let cmd: Cmd = [];
  for (; pos.i < tokens.length; pos.i++) {
    const t = tokens[pos.i] as Token;
    if (t.text === closing && t.type === "punct") break;
    if (t.type === "punct" && t.text === "|") {
      if (!cmd.length) throw new TemplateError("template: :1: missing command");
      cmds.push(cmd);
      cmd = [];
    } else if (t.type === "punct" && t.text === "(") {
      pos.i++;
      const inner = parsePipeline(tokens, pos, ")");
      cmd.push({ kind: "pipe", pipe: inner, path: [] });
    } else if (t.type === "str") cmd.push({ kind: "literal", value: t.text });
    else if (t.type === "num")
      cmd.push({ kind: "literal", value: Number(t.text) });
    else if (t.type === "field")
      cmd.push({
        kind: "field",
        base: "dot",
        path: t.text.split(".").filter(Boolean),
      });
    else if (t.type === "var") {
      const [base = "$", ...path] = t.text.split(".");
      cmd.push({ kind: "field", base, path });
    } else if (t.type === "ident") {
      if (t.text === "true" || t.text === "false")
        cmd.push({ kind: "literal", value: t.text === "true" });
      else if (t.text === "nil") cmd.push({ kind: "literal", value: null });
      else if (FUNCTION_NAMES.has(t.text))
        cmd.push({ kind: "func", name: t.text });
      else
        throw new TemplateError(
          `template: :1: function "${t.text}" not defined`,
        );
    } else
      throw new TemplateError(
        `template: :1: unexpected "${t.text}" in command`,
      );
  }
  if (cmd.length) cmds.push(cmd);
  if (!cmds.length)
    throw new TemplateError("template: :1: missing value for command");
  return { decl, cmds };
}

/** Parses a template. Throws TemplateError for unbalanced blocks or unknown functions. */
export function parseTemplate(src: string): Node[] {
  const parts: ({ text: string } | { action: string })[] = [];
  let rest = src;
  for (;;) {
    const open = rest.indexOf("{{");
    if (open < 0) {
      parts.push({ text: rest });
      break;
    }
    let text = rest.slice(0, open);
    let inner = rest.slice(open + 2);
    const close = inner.indexOf("}}");
    if (close < 0) throw new TemplateError("template: :1: unclosed action");
    let action = inner.slice(0, close);
    rest = inner.slice(close + 2);
    if (/^-\s/.test(action)) {
      text = text.replace(/\s+$/, "");
      action = action.slice(1);
    }
    if (/\s-$/.test(action)) {
      action = action.slice(0, -1);
      rest = rest.replace(/^\s+/, "");
    }
    inner = action.trim();
    parts.push({ text }, { action: inner });
  }
  const stack: {
    nodes: Node[];
    block?: Extract<Node, { body: Node[] }>;
    inElse: boolean;
    chained: boolean;
  }[] = [{ nodes: [], inElse: false, chained: false }];
  const top = (): (typeof stack)[number] =>
    stack[stack.length - 1] as (typeof stack)[number];
  const emit = (n: Node): void => {
    const t = top();
    if (t.block) (t.inElse ? t.block.elseBody : t.block.body).push(n);
    else t.nodes.push(n);
  };
  for (const part of parts) {
    if ("text" in part) {
      if (part.text) emit({ kind: "text", text: part.text });
      continue;
    }
    const a = part.action;
    if (a.startsWith("/*")) continue;
    const kw = /^(if|with|range|else|end)\b/.exec(a)?.[1];
    const tokens = tokenize(kw ? a.slice(kw.length) : a);
    if (kw === "if" || kw === "with" || kw === "range") {
      const block: Extract<Node, { body: Node[] }> = {
        kind: kw,
        pipe: parsePipeline(tokens, { i: 0 }),
        body: [],
        elseBody: [],
      };
      emit(block);
      stack.push({ nodes: [], block, inElse: false, chained: false });
    } else if (kw === "else") {
      const t = top();
      if (!t.block || t.inElse)
        throw new TemplateError("template: :1: unexpected {{else}}");
      t.inElse = true;
      if (tokens[0]?.text === "if") {
        // `else if` is an if nested in the else branch, closed by the same {{end}}.
        const block: Extract<Node, { body: Node[] }> = {
          kind: "if",
          pipe: parsePipeline(tokens.slice(1), { i: 0 }),
          body: [],
          elseBody: [],
        };
        t.block.elseBody.push(block);
        stack.push({ nodes: [], block, inElse: false, chained: true });
      }
    } else if (kw === "end") {
      let t = stack.pop();
      while (t?.chained) t = stack.pop();
      if (!t?.block || stack.length === 0)
        throw new TemplateError("template: :1: unexpected {{end}}");
    } else emit({ kind: "action", pipe: parsePipeline(tokens, { i: 0 }) });
  }
  if (stack.length !== 1)
    throw new TemplateError("template: :1: unexpected EOF");
  return top().nodes;
}
