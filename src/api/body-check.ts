import {
  GO_ALIASES,
  GO_BODIES,
  GO_STRUCTS,
  type BodyName,
} from "./body-schemas.ts";

/**
 * Checks a parsed JSON request body against the Go types dockerd decodes it
 * into (body-schemas.ts, generated from the API definition) and returns the
 * body as dockerd would see it:
 * - a value of the wrong JSON kind is refused with Go's decoder text, e.g.
 *   "json: cannot unmarshal array into Go struct field CreateRequest.Config.Image
 *   of type string" (Go 1.24 paths name embedded structs, as dockerd 28 does);
 * - `null` means absent: null struct fields are dropped, null elements of
 *   lists and maps become Go's zero value or are dropped;
 * - keys match struct fields case-insensitively (as encoding/json does) and
 *   are renamed to the field's own spelling; unknown keys are kept.
 * Returns `{ error }` (the first refusal) instead of a value. With `repair`
 * (for records read back from disk) wrongly typed fields are dropped
 * instead, and every refusal is listed in `dropped`. Never throws.
 */
export function checkGoBody(
  name: BodyName,
  value: unknown,
  options: { repair?: boolean } = {},
): { value: unknown; dropped: string[] } | { error: string } {
  const type = GO_BODIES[name];
  if (value === null) return { value: null, dropped: [] };
  if (kindOf(value) !== "object")
    return {
      error: `json: cannot unmarshal ${kindOf(value)} into Go value of type ${type}`,
    };
  const dropped: string[] = [];
  const ctx = { repair: options.repair === true, dropped };
  try {
    return {
      value: walk(value, type, { struct: undefined, path: [], ctx }),
      dropped,
    };
  } catch (err) {
    if (err instanceof Fault) return { error: err.message };
    throw err;
  }
}

class Fault extends Error {}

type Where = {
  struct: string | undefined;
  path: string[];
  ctx: { repair: boolean; dropped: string[] };
};

/** Runs one member's check; in repair mode a refused member is dropped (undefined). */
function member(f: () => unknown, where: Where): unknown {
  if (!where.ctx.repair) return f();
  try {
    return f();
  } catch (err) {
    if (!(err instanceof Fault)) throw err;
    where.ctx.dropped.push(err.message);
    return undefined;
  }
}

function kindOf(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (v === null) return "null";
  return typeof v === "object"
    ? "object"
    : typeof v === "boolean"
      ? "bool"
      : typeof v;
}

function refuse(
  v: unknown,
  type: string,
  where: Where,
  detail?: string,
): never {
  const what = detail ?? kindOf(v);
  const target =
    where.struct === undefined
      ? "Go value"
      : `Go struct field ${where.struct}.${where.path.join(".")}`;
  throw new Fault(
    `json: cannot unmarshal ${what} into ${target} of type ${type}`,
  );
}

const INT_RANGE: Record<string, [number, number]> = {
  int: [-(2 ** 63), 2 ** 63],
  int64: [-(2 ** 63), 2 ** 63],
  "time.Duration": [-(2 ** 63), 2 ** 63],
  int32: [-(2 ** 31), 2 ** 31],
  uint: [0, 2 ** 64],
  uint64: [0, 2 ** 64],
  uint32: [0, 2 ** 32],
  uint16: [0, 2 ** 16],
  uint8: [0, 2 ** 8],
};

/** The Go zero value for a null element of a list or map (undefined: drop it). */
function zero(type: string): unknown {
  if (type === "string") return "";
  if (type === "bool") return false;
  if (type in INT_RANGE || type === "float64") return 0;
  return undefined;
}

function walk(v: unknown, type: string, where: Where): unknown {
  const alias = GO_ALIASES[type];
  if (alias !== undefined) {
    if (kindOf(v) !== "object") refuse(v, type, where);
    return walk(v, alias, where);
  }
  if (type === "any") return v;
  if (type === "string") {
    if (typeof v !== "string") refuse(v, type, where);
    return v;
  }
  if (type === "bool") {
    if (typeof v !== "boolean") refuse(v, type, where);
    return v;
  }
  if (type === "float64") {
    if (typeof v !== "number") refuse(v, type, where);
    return v;
  }
  const range = INT_RANGE[type];
  if (range) {
    if (typeof v !== "number") refuse(v, type, where);
    if (!Number.isInteger(v) || v < range[0] || v >= range[1])
      refuse(v, type, where, `number ${String(v)}`);
    return v;
  }
  if (type === "strslice.StrSlice") {
    // compat: StrSlice takes a string or a list of strings; anything else
    // fails its fallback decode into a string.
    if (typeof v === "string") return v;
    if (!Array.isArray(v) || v.some((e) => typeof e !== "string"))
      refuse(v, "string", where);
    return v;
  }
  if (type === "struct {}") {
    if (kindOf(v) !== "object") refuse(v, type, where);
    return v;
  }
  const list = /^\[\d*\](.+)$/.exec(type);
  if (list) {
    if (!Array.isArray(v)) refuse(v, type, where);
    const out: unknown[] = [];
    for (const e of v as unknown[]) {
      if (e === null) {
        const z = zero(list[1]!);
        if (z !== undefined) out.push(z);
        continue;
      }
      const checked = member(() => walk(e, list[1]!, where), where);
      if (checked !== undefined) out.push(checked);
    }
    return out;
  }
  if (type.startsWith("map[string]")) {
    if (kindOf(v) !== "object") refuse(v, type, where);
    const of = type.slice("map[string]".length);
    const out: Record<string, unknown> = {};
    for (const [k, e] of Object.entries(v as Record<string, unknown>)) {
      if (e === null) {
        const z = zero(of);
        if (z !== undefined) out[k] = z;
        continue;
      }
      const checked = member(() => walk(e, of, where), where);
      if (checked !== undefined) out[k] = checked;
    }
    return out;
  }
  if (GO_STRUCTS[type]) return walkStruct(v, type, where);
  throw new Error(`body schema names an unknown Go type ${type}`);
}

/** Finds a struct field as encoding/json does: exact name first, then case-insensitively; own fields before embedded ones. */
function findField(
  type: string,
  key: string,
): { name: string; type: string; via: string[] } | undefined {
  const exact = lookup(type, (f) => f === key);
  return exact ?? lookup(type, (f) => f.toLowerCase() === key.toLowerCase());
}

function lookup(
  type: string,
  match: (field: string) => boolean,
): { name: string; type: string; via: string[] } | undefined {
  const s = GO_STRUCTS[type]!;
  for (const [name, t] of Object.entries(s.fields))
    if (match(name)) return { name, type: t, via: [] };
  for (const e of s.embeds ?? []) {
    const found = lookup(e, match);
    if (found)
      return { ...found, via: [e.slice(e.indexOf(".") + 1), ...found.via] };
  }
  return undefined;
}

function walkStruct(v: unknown, type: string, where: Where): unknown {
  if (kindOf(v) !== "object") refuse(v, type, where);
  const struct = type.slice(type.indexOf(".") + 1);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(v as Record<string, unknown>)) {
    const field = findField(type, key);
    if (!field) {
      if (value !== null) out[key] = value;
      continue;
    }
    if (value === null) continue;
    const checked = member(
      () =>
        walk(value, field.type, {
          struct,
          path: [...where.path, ...field.via, field.name],
          ctx: where.ctx,
        }),
      where,
    );
    if (checked !== undefined) out[field.name] = checked;
  }
  return out;
}
