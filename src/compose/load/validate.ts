/**
 * Validation of one compose file against the Compose specification's JSON
 * schema, vendored unchanged as compose-spec.schema.json from
 * github.com/compose-spec/compose-spec, schema/compose-spec.json (commit
 * 170098ba07d9f53c383a41bfd4c5166b0a4529a6, 2026-06-23).
 *
 * A small draft-07 validator for exactly the keywords that schema uses:
 * type, properties, patternProperties, additionalProperties, required, items,
 * oneOf, enum, uniqueItems, minimum, maximum, pattern, $ref (local). Errors
 * carry the key path so messages can name file, line and key.
 */
import { ComposeError } from "../errors.ts";
import schemaJson from "./compose-spec.schema.json" with { type: "json" };
import type { YamlFile } from "./yaml-file.ts";

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  patternProperties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  required?: string[];
  items?: Schema;
  oneOf?: Schema[];
  enum?: unknown[];
  uniqueItems?: boolean;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  $ref?: string;
  definitions?: Record<string, Schema>;
};

/** One schema violation: where and what. */
export type Violation = {
  path: (string | number)[];
  message: string;
  /** The path whose line to show, when not path itself (an unknown key). */
  at?: (string | number)[];
};

const root = schemaJson as unknown as Schema;
const patterns = new Map<string, RegExp>();
const regex = (p: string): RegExp => {
  let r = patterns.get(p);
  if (!r) patterns.set(p, (r = new RegExp(p, "u")));
  return r;
};

function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function hasType(v: unknown, t: string): boolean {
  const actual = typeOf(v);
  return actual === t || (t === "number" && actual === "integer");
}

function resolve(s: Schema): Schema {
  let cur = s;
  while (cur.$ref) {
    const name = cur.$ref.replace(/^#\/definitions\//, "");
    const next = root.definitions?.[name];
    if (!next) throw new Error(`compose schema: unknown $ref ${cur.$ref}`);
    cur = next;
  }
  return cur;
}

/** Validates v against schema s; returns the violations (empty when valid). */
export function check(
  v: unknown,
  s: Schema,
  path: (string | number)[],
): Violation[] {
  s = resolve(s);
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    if (!types.some((t) => hasType(v, t)))
      return [
        {
          path,
          message: `must be ${types.map((t) => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`)).join(" or ")}`,
        },
      ];
  }
  if (s.enum && !s.enum.some((e) => e === v))
    return [
      { path, message: `must be one of ${s.enum.map(String).join(", ")}` },
    ];
  const out: Violation[] = [];
  if (s.oneOf) {
    const results = s.oneOf.map((b) => check(v, b, path));
    if (!results.some((r) => r.length === 0)) {
      // report the branch that got furthest: its errors are the most specific
      const best = results.reduce((a, b) => (depth(b) > depth(a) ? b : a));
      out.push(...best);
    }
  }
  if (typeof v === "string" && s.pattern && !regex(s.pattern).test(v))
    out.push({ path, message: `does not match pattern ${s.pattern}` });
  if (typeof v === "number") {
    if (s.minimum !== undefined && v < s.minimum)
      out.push({ path, message: `must be >= ${s.minimum}` });
    if (s.maximum !== undefined && v > s.maximum)
      out.push({ path, message: `must be <= ${s.maximum}` });
  }
  if (Array.isArray(v)) {
    if (s.items)
      v.forEach((x, i) =>
        out.push(...check(x, s.items as Schema, [...path, i])),
      );
    if (s.uniqueItems) {
      const seen = new Set<string>();
      for (const x of v) {
        const k = JSON.stringify(x);
        if (seen.has(k))
          out.push({
            path,
            message: `array items must be unique (${k} repeats)`,
          });
        seen.add(k);
      }
    }
  } else if (v && typeof v === "object") out.push(...checkObject(v, s, path));
  return out;
}

function depth(vs: Violation[]): number {
  return Math.max(-1, ...vs.map((x) => x.path.length));
}

function checkObject(
  v: object,
  s: Schema,
  path: (string | number)[],
): Violation[] {
  const out: Violation[] = [];
  const obj = v as Record<string, unknown>;
  for (const r of s.required ?? [])
    if (!(r in obj)) out.push({ path, message: `${r} is required` });
  for (const [k, x] of Object.entries(obj)) {
    let matched = false;
    const prop = s.properties?.[k];
    if (prop) {
      matched = true;
      out.push(...check(x, prop, [...path, k]));
    }
    for (const [p, ps] of Object.entries(s.patternProperties ?? {}))
      if (regex(p).test(k)) {
        matched = true;
        out.push(...check(x, ps, [...path, k]));
      }
    if (matched) continue;
    if (s.additionalProperties === false)
      out.push({
        path,
        message: `additional property ${k} is not allowed`,
        at: [...path, k],
      });
    else if (typeof s.additionalProperties === "object")
      out.push(...check(x, s.additionalProperties, [...path, k]));
  }
  return out;
}

/** Validates one (interpolated) file's data. Throws ComposeError naming file, line and key of the first violation. */
export function validateFile(data: unknown, file: YamlFile): void {
  const [first] = check(data, root, []);
  if (!first) return;
  throw new ComposeError(first.message, {
    file: file.file,
    line: file.lineOf(first.at ?? first.path),
    path: first.path,
  });
}
