/**
 * The Compose spec's merge rules for `-f a.yaml -f b.yaml`, `extends` and
 * overrides: mappings merge key by key (the later file wins on scalars);
 * `environment`, `labels`, `build.args`, `sysctls`, `depends_on`,
 * `networks` and `extra_hosts` merge as mappings whichever syntax each file
 * used; `volumes` merge by target path and `ports` and other sequences are
 * appended without duplicates; `command`, `entrypoint` and `healthcheck.test`
 * are replaced. A `!reset`-free subset: the spec's `!reset`/`!override` tags
 * are refused by the YAML loader as unknown tags.
 */
import { type Dict, isDict, scalar } from "./dict.ts";

/** Keys whose list form ("K=V" or "name") is turned into a mapping before merging. */
const MAPPINGS = new Set([
  "environment",
  "labels",
  "args",
  "sysctls",
  "depends_on",
  "networks",
  "extra_hosts",
  "annotations",
]);
const REPLACED = new Set(["command", "entrypoint", "test"]);

/**
 * A list form of a mapping as a mapping: ["A=1", "B"] → {A: "1", B: null};
 * depends_on/networks lists (plain names) → {name: null}; extra_hosts
 * "host:ip" or "host=ip" → {host: ip}.
 */
export function listToMap(key: string, v: unknown): unknown {
  if (!Array.isArray(v)) return v;
  const out: Dict = {};
  for (const item of v) {
    const s = String(item);
    if (key === "depends_on" || key === "networks") out[s] = null;
    else if (key === "extra_hosts") {
      const m = /^([^=:]+)[=:](.*)$/.exec(s);
      out[m?.[1] ?? s] = m?.[2] ?? "";
    } else {
      const eq = s.indexOf("=");
      out[eq < 0 ? s : s.slice(0, eq)] = eq < 0 ? null : s.slice(eq + 1);
    }
  }
  return out;
}

function volumeTarget(v: unknown): string {
  if (isDict(v)) return scalar(v.target);
  const parts = String(v).split(":");
  return parts.length === 1 ? (parts[0] ?? "") : (parts[1] ?? "");
}

function mergeLists(key: string, a: unknown[], b: unknown[]): unknown[] {
  if (key === "volumes" || key === "secrets" || key === "configs") {
    const id = (x: unknown): string =>
      key === "volumes"
        ? volumeTarget(x)
        : isDict(x)
          ? String(x.target ?? x.source)
          : String(x);
    const byId = new Map(a.map((x) => [id(x), x]));
    for (const x of b) byId.set(id(x), x);
    return [...byId.values()];
  }
  const seen = new Set(a.map((x) => JSON.stringify(x)));
  return [...a, ...b.filter((x) => !seen.has(JSON.stringify(x)))];
}

/** Merges `over` onto `base` (neither is changed); `key` is the key both sit under. */
export function mergeValue(key: string, base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (base === undefined || base === null) return over;
  if (REPLACED.has(key)) return over;
  if (MAPPINGS.has(key)) {
    base = listToMap(key, base);
    over = listToMap(key, over);
  }
  if (key === "build" || key === "healthcheck" || key === "logging") {
    // build: "dir" is {context: "dir"}
    if (typeof base === "string") base = { context: base };
    if (typeof over === "string") over = { context: over };
  }
  if (isDict(base) && isDict(over)) {
    if (key === "logging" && over.driver && over.driver !== base.driver)
      return over;
    const out: Dict = { ...base };
    for (const [k, v] of Object.entries(over))
      out[k] = mergeValue(k, base[k], v);
    return out;
  }
  if (Array.isArray(base) && Array.isArray(over))
    return mergeLists(key, base, over);
  return over;
}

/** Merges two whole compose files (top-level sections by name). */
export function mergeFiles(base: Dict, over: Dict): Dict {
  const out: Dict = { ...base };
  for (const [section, v] of Object.entries(over)) {
    const b = base[section];
    if (isDict(b) && isDict(v)) {
      const merged: Dict = { ...b };
      for (const [name, def] of Object.entries(v))
        // a null entry ("db:") means defaults: it does not erase the base
        merged[name] =
          def === null ? (b[name] ?? null) : mergeValue("", b[name], def);
      out[section] = merged;
    } else out[section] = v;
  }
  return out;
}
