/**
 * Compares the JSON shape of a wharf answer with dockerd's for the same
 * object, field by field: every key dockerd sends must be there with the
 * same JSON type (null, string, number, boolean, array, object). Values
 * are not compared. Objects whose keys are data (labels, networks by name,
 * containers by id) are compared by type only, listed in `dataKeyed`.
 */
export function shapeDiff(
  docker: unknown,
  wharf: unknown,
  options: { dataKeyed: string[] },
): string[] {
  const out: string[] = [];
  walk(docker, wharf, "", options.dataKeyed, out);
  return out;
}

function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v;
}

function walk(
  d: unknown,
  w: unknown,
  path: string,
  dataKeyed: string[],
  out: string[],
): void {
  const td = typeOf(d);
  const tw = typeOf(w);
  if (td !== tw) {
    out.push(`${path || "."}: ${td} in dockerd, ${tw} in wharf`);
    return;
  }
  if (td === "array") {
    const [a] = d as unknown[];
    const [b] = w as unknown[];
    if (a !== undefined && b !== undefined)
      walk(a, b, `${path}[]`, dataKeyed, out);
    return;
  }
  if (td !== "object" || dataKeyed.includes(path)) return;
  const wo = w as Record<string, unknown>;
  for (const [k, v] of Object.entries(d as Record<string, unknown>)) {
    const p = `${path}.${k}`;
    if (!(k in wo)) out.push(`${p}: missing in wharf`);
    else walk(v, wo[k], p, dataKeyed, out);
  }
}
