/**
 * Evaluates the Go text/template subset of template-parse.ts over JSON-like
 * data, with Docker's template functions (json, join, split, lower, upper,
 * title, pad, truncate) and Go's builtins (index, printf, len, eq, not, …).
 * Values print as Go's %v does: slices "[a b]", maps "map[k:v]".
 */
import {
  parseTemplate,
  TemplateError,
  type Cmd,
  type Node,
  type Operand,
  type Pipeline,
} from "./template-parse.ts";

export { TemplateError } from "./template-parse.ts";

// compat: Go prints nil slices as [] and nil maps as map[]; JSON gives us only null,
// so fields Docker types as slices or maps are named here.
const NIL_SLICES = new Set([
  "Cmd",
  "Entrypoint",
  "Env",
  "Binds",
  "CapAdd",
  "CapDrop",
  "Dns",
  "DnsOptions",
  "DnsSearch",
  "ExtraHosts",
  "Links",
  "OnBuild",
  "Shell",
  "Ulimits",
  "ExecIDs",
  "Warnings",
  "RepoTags",
  "RepoDigests",
  "Tags",
  "Args",
  "Mounts",
  "Devices",
  "SecurityOpt",
  "Aliases",
  "Layers",
]);
const NIL_MAPS = new Set([
  "Labels",
  "Volumes",
  "ExposedPorts",
  "Options",
  "Data",
  "Networks",
  "Ports",
  "Annotations",
  "Sysctls",
  "StorageOpt",
  "Tmpfs",
]);

// Pointer fields Docker leaves out of the JSON when nil; Go's typed value prints <nil>.
const NIL_POINTERS = new Set([
  "Health",
  "Init",
  "PidsLimit",
  "OomKillDisable",
  "MemorySwappiness",
  "NetworkingConfig",
]);

/** Go's %v of a value; `field` is the name it was read from (for nil slices/maps). */
export function goPrint(v: unknown, field?: string): string {
  if (v === undefined)
    return field && NIL_POINTERS.has(field) ? "<nil>" : "<no value>";
  if (v === null)
    return field && NIL_SLICES.has(field)
      ? "[]"
      : field && NIL_MAPS.has(field)
        ? "map[]"
        : "<nil>";
  if (Array.isArray(v)) return `[${v.map((x) => goPrint(x)).join(" ")}]`;
  if (typeof v === "object") {
    const keys = Object.keys(v);
    const obj = v as Record<string, unknown>;
    if (keys.length && keys.every((k) => /^[A-Z]/.test(k)))
      return `{${keys.map((k) => goPrint(obj[k], k)).join(" ")}}`;
    return `map[${keys
      .sort()
      .map((k) => `${k}:${goPrint(obj[k])}`)
      .join(" ")}]`;
  }
  if (typeof v === "string") return v;
  return JSON.stringify(v) ?? typeof v;
}

/** Go's truth: false, 0, nil, and empty strings, slices and maps are false. */
export function truthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === "")
    return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === "object") return Object.keys(v).length > 0;
  return true;
}

function str(v: unknown): string {
  return typeof v === "string" ? v : goPrint(v);
}

/** A small Go printf: verbs s d v q t f x and %%, with width and `-` flag. */
export function goPrintf(format: string, args: unknown[]): string {
  let i = 0;
  return format.replace(
    /%([-+ 0#]*)(\d*)(?:\.(\d+))?([sdvqtfx%])/g,
    (_m, flags: string, w: string, prec: string | undefined, verb: string) => {
      if (verb === "%") return "%";
      if (i >= args.length) return `%!${verb}(MISSING)`;
      const a = args[i++];
      let s: string;
      if (verb === "q") s = JSON.stringify(str(a));
      else if (verb === "d")
        s =
          typeof a === "number" ? String(Math.trunc(a)) : `%!d(${goPrint(a)})`;
      else if (verb === "f")
        s =
          typeof a === "number"
            ? a.toFixed(prec ? Number(prec) : 6)
            : `%!f(${goPrint(a)})`;
      else if (verb === "x")
        s =
          typeof a === "number"
            ? a.toString(16)
            : Buffer.from(str(a)).toString("hex");
      else s = str(a);
      if (prec && verb === "s") s = [...s].slice(0, Number(prec)).join("");
      const width = Number(w || 0);
      if ([...s].length < width)
        s = flags.includes("-")
          ? s.padEnd(width)
          : s.padStart(width, flags.includes("0") && verb === "d" ? "0" : " ");
      return s;
    },
  );
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return str(a) < str(b) ? -1 : str(a) > str(b) ? 1 : 0;
}

const FUNCS: Record<string, (...args: unknown[]) => unknown> = {
  json: (v) => (v === undefined ? "null" : JSON.stringify(v)),
  join: (list, sep) =>
    Array.isArray(list) ? list.map(str).join(str(sep)) : str(list),
  split: (s, sep) => str(s).split(str(sep)),
  lower: (s) => str(s).toLowerCase(),
  upper: (s) => str(s).toUpperCase(),
  title: (s) =>
    str(s).replace(
      /(^|[^\p{L}\p{N}])(\p{L})/gu,
      (_m, p: string, c: string) => p + c.toUpperCase(),
    ),
  pad: (s, before, after) =>
    " ".repeat(Number(before)) + str(s) + " ".repeat(Number(after)),
  truncate: (s, n) => [...str(s)].slice(0, Number(n)).join(""),
  index: (coll, ...keys) => {
    let v = coll;
    for (const k of keys) {
      if (v === null || v === undefined) return undefined;
      v = (v as Record<string, unknown>)[typeof k === "number" ? k : str(k)];
    }
    return v;
  },
  slice: (s, from, to) =>
    Array.isArray(s)
      ? s.slice(Number(from ?? 0), to === undefined ? undefined : Number(to))
      : str(s).slice(
          Number(from ?? 0),
          to === undefined ? undefined : Number(to),
        ),
  printf: (format, ...args) => goPrintf(str(format), args),
  print: (...args) => args.map(str).join(""),
  println: (...args) => args.map(str).join(" ") + "\n",
  len: (v) =>
    Array.isArray(v) || typeof v === "string"
      ? v.length
      : v && typeof v === "object"
        ? Object.keys(v).length
        : 0,
  eq: (a, ...rest) => rest.some((b) => a === b),
  ne: (a, b) => a !== b,
  lt: (a, b) => compare(a, b) < 0,
  le: (a, b) => compare(a, b) <= 0,
  gt: (a, b) => compare(a, b) > 0,
  ge: (a, b) => compare(a, b) >= 0,
  not: (v) => !truthy(v),
  and: (...args) => args.find((a) => !truthy(a)) ?? args[args.length - 1],
  or: (...args) => args.find((a) => truthy(a)) ?? args[args.length - 1],
};

// compat: Docker renders table headers with these functions passing their argument through.
const HEADER_FUNCS: Record<string, (...args: unknown[]) => unknown> = {
  ...FUNCS,
  ...Object.fromEntries(
    ["json", "join", "split", "lower", "upper", "title", "pad", "truncate"].map(
      (n) => [n, (v: unknown) => str(v)],
    ),
  ),
};

type Scope = {
  dot: unknown;
  vars: Map<string, unknown>;
  funcs: Record<string, (...args: unknown[]) => unknown>;
};

function walk(v: unknown, path: string[]): unknown {
  for (const name of path) {
    if (v === null || v === undefined || typeof v !== "object")
      return undefined;
    v = (v as Record<string, unknown>)[name];
  }
  return v;
}

function operand(op: Operand, scope: Scope): unknown {
  switch (op.kind) {
    case "literal":
      return op.value;
    case "field": {
      if (op.base !== "dot" && !scope.vars.has(op.base))
        throw new TemplateError(
          `template: :1: undefined variable "${op.base}"`,
        );
      return walk(
        op.base === "dot" ? scope.dot : scope.vars.get(op.base),
        op.path,
      );
    }
    case "pipe":
      return walk(pipeline(op.pipe, scope), op.path);
    case "func":
      throw new TemplateError(`template: :1: ${op.name} is not a value`);
  }
}

function command(cmd: Cmd, scope: Scope, piped: unknown[]): unknown {
  const [head, ...rest] = cmd;
  if (head?.kind === "func") {
    const args = [...rest.map((o) => operand(o, scope)), ...piped];
    return (scope.funcs[head.name] as (...a: unknown[]) => unknown)(...args);
  }
  const value = head ? operand(head, scope) : undefined;
  // compat: Docker's contexts are Go methods with arguments: {{.Label "com.example"}}.
  if (typeof value === "function")
    return (value as (...a: unknown[]) => unknown)(
      ...rest.map((o) => operand(o, scope)),
      ...piped,
    );
  if (rest.length || piped.length)
    throw new TemplateError(
      "template: :1: can't give argument to non-function",
    );
  return value;
}

function pipeline(p: Pipeline, scope: Scope): unknown {
  let value: unknown;
  p.cmds.forEach((cmd, i) => {
    value = command(cmd, scope, i === 0 ? [] : [value]);
  });
  const [first, second] = p.decl;
  if (first && !second) scope.vars.set(first, value);
  return value;
}

/** The name of the last field a pipeline reads, when it is a plain field. */
function lastField(p: Pipeline): string | undefined {
  const last = p.cmds[p.cmds.length - 1];
  const op = last?.length === 1 ? last[0] : undefined;
  return op?.kind === "field" ? op.path[op.path.length - 1] : undefined;
}

function render(nodes: Node[], scope: Scope, out: string[]): void {
  for (const n of nodes) {
    if (n.kind === "text") out.push(n.text);
    else if (n.kind === "action") {
      const v = pipeline(n.pipe, scope);
      if (!n.pipe.decl.length)
        out.push(typeof v === "string" ? v : goPrint(v, lastField(n.pipe)));
    } else if (n.kind === "if")
      render(truthy(pipeline(n.pipe, scope)) ? n.body : n.elseBody, scope, out);
    else if (n.kind === "with") {
      const v = pipeline({ decl: [], cmds: n.pipe.cmds }, scope);
      if (truthy(v)) render(n.body, { ...scope, dot: v }, out);
      else render(n.elseBody, scope, out);
    } else {
      const v = pipeline({ decl: [], cmds: n.pipe.cmds }, scope);
      const entries: [unknown, unknown][] = Array.isArray(v)
        ? v.map((x, i) => [i, x])
        : v && typeof v === "object"
          ? Object.keys(v)
              .sort()
              .map((k) => [k, (v as Record<string, unknown>)[k]])
          : [];
      if (!entries.length) render(n.elseBody, scope, out);
      for (const [k, x] of entries) {
        const [a, b] = n.pipe.decl;
        if (a && b) {
          scope.vars.set(a, k);
          scope.vars.set(b, x);
        } else if (a) scope.vars.set(a, x);
        render(n.body, { ...scope, dot: x }, out);
      }
    }
  }
}

/** A parsed --format template. Throws TemplateError on bad syntax (constructor) or bad calls (execute). */
export class Template {
  #nodes: Node[];
  constructor(source: string) {
    this.#nodes = parseTemplate(source);
  }
  /** Renders the template with `.` bound to data; `header` makes the text functions pass values through. */
  execute(data: unknown, options: { header?: boolean } = {}): string {
    const out: string[] = [];
    render(
      this.#nodes,
      {
        dot: data,
        vars: new Map([["$", data]]),
        funcs: options.header ? HEADER_FUNCS : FUNCS,
      },
      out,
    );
    return out.join("");
  }
}
