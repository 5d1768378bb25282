import { InvalidArgumentError } from "../../util/errors.ts";
import type { VolumeRecord } from "./store.ts";
import { ANONYMOUS_LABEL } from "./view.ts";

/** Docker's filters.Match: each term is a regular expression searched in the value. */
function matches(terms: string[], value: string): boolean {
  return terms.some((t) => {
    try {
      return new RegExp(t).test(value);
    } catch {
      return value.includes(t);
    }
  });
}

/** label=key or label=key=value against a label map. */
export function labelMatches(
  labels: Record<string, string>,
  term: string,
): boolean {
  const eq = term.indexOf("=");
  if (eq < 0) return term in labels;
  return labels[term.slice(0, eq)] === term.slice(eq + 1);
}

function bool(key: string, v: string): boolean {
  const s = v.toLowerCase();
  if (s === "true" || s === "1") return true;
  if (s === "false" || s === "0") return false;
  throw new InvalidArgumentError(`invalid filter '${key}=${v}'`);
}

/**
 * The predicate of GET /volumes filters: dangling, name, label, driver.
 * Throws InvalidArgumentError for other keys or bad values.
 */
export function listFilter(
  filters: Record<string, string[]>,
  inUse: (name: string) => boolean,
): (r: VolumeRecord) => boolean {
  for (const k of Object.keys(filters))
    if (!["dangling", "name", "label", "driver"].includes(k))
      throw new InvalidArgumentError(`invalid filter '${k}'`);
  const dangling = filters.dangling?.map((v) => bool("dangling", v));
  return (r) =>
    (dangling === undefined || dangling.every((d) => d === !inUse(r.name))) &&
    (!filters.name?.length || matches(filters.name, r.name)) &&
    (!filters.driver?.length || matches(filters.driver, r.driver)) &&
    (filters.label ?? []).every((l) => labelMatches(r.labels, l));
}

/**
 * The predicate of POST /volumes/prune filters: label, label!, and `all`
 * (API 1.42+: without all=true only anonymous volumes are pruned).
 */
export function pruneFilter(
  filters: Record<string, string[]>,
  version: string,
): (r: VolumeRecord) => boolean {
  for (const k of Object.keys(filters))
    if (!["label", "label!", "all"].includes(k))
      throw new InvalidArgumentError(`invalid filter '${k}'`);
  const all =
    filters.all?.some((v) => bool("all", v)) ??
    Number(version.split(".")[1] ?? 0) < 42;
  return (r) =>
    (all || ANONYMOUS_LABEL in r.labels) &&
    (filters.label ?? []).every((l) => labelMatches(r.labels, l)) &&
    !(filters["label!"] ?? []).some((l) => labelMatches(r.labels, l));
}
