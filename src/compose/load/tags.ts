/**
 * The Compose spec's `!reset` and `!override` YAML tags. The parser records
 * the key path of every tagged node; after a file (or an `extends` base) is
 * merged, `!override` puts the tagged value in place of the merged one and
 * `!reset` removes the key, so neither sees the earlier files' values.
 */
import { isPair, isScalar, visit, type Document } from "yaml";
import { type Dict, isDict } from "./dict.ts";

/** One tagged node: where it is and what its tag says. */
export type MergeTag = { path: string[]; tag: "reset" | "override" };

/** The `!reset`/`!override` nodes of a document, by key path (pairs only, as compose files use them). */
export function collectTags(doc: Document): MergeTag[] {
  const out: MergeTag[] = [];
  visit(doc, {
    Node(_key, node, path) {
      const tag = node.tag === "!reset" || node.tag === "!override";
      if (!tag) return;
      const keys: string[] = [];
      for (const p of [...path, node]) {
        if (!isPair(p)) continue;
        keys.push(isScalar(p.key) ? String(p.key.value) : String(p.key));
      }
      // the tagged node is the value of the last pair on its path
      const parent = path.at(-1);
      if (!isPair(parent) || parent.value !== node) return;
      out.push({
        path: keys,
        tag: node.tag === "!reset" ? "reset" : "override",
      });
    },
  });
  return out;
}

function getIn(data: unknown, path: string[]): unknown {
  let cur = data;
  for (const k of path) cur = isDict(cur) ? cur[k] : undefined;
  return cur;
}

/** Deletes the `!reset` keys from a file's own data (their placeholder values are not validated). */
export function dropResets(data: Dict, tags: MergeTag[]): void {
  for (const t of tags.filter((x) => x.tag === "reset")) {
    const parent = getIn(data, t.path.slice(0, -1));
    if (isDict(parent)) delete parent[t.path.at(-1) ?? ""];
  }
}

/**
 * Applies a file's tags to the result of merging it: `!override` keys take
 * the file's value, `!reset` keys are removed. `prefix` is the path of
 * `merged` within the file (e.g. ["services", "web"] for extends). Changes
 * `merged` in place (copying the mappings on the way so the inputs stay).
 */
export function applyTags(
  merged: Dict,
  own: Dict,
  tags: MergeTag[],
  prefix: string[] = [],
): void {
  for (const t of tags) {
    if (!prefix.every((k, i) => t.path[i] === k)) continue;
    const rel = t.path.slice(prefix.length);
    if (rel.length === 0) continue;
    let cur: Dict = merged;
    for (const k of rel.slice(0, -1)) {
      const next = cur[k];
      if (!isDict(next)) {
        cur = {};
        break;
      }
      cur[k] = { ...next };
      cur = cur[k] as Dict;
    }
    const last = rel.at(-1) ?? "";
    if (t.tag === "reset") delete cur[last];
    else {
      const v = getIn(own, rel);
      if (v !== undefined) cur[last] = v;
    }
  }
}
