import {
  checkFilterKeys,
  filterBool,
  labelMatches,
  labelsMatch,
} from "../../conventions/filters.ts";
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

function bool(key: string, v: string): boolean {
  const b = filterBool(v);
  if (b === undefined)
    throw new InvalidArgumentError(`invalid filter '${key}=${v}'`);
  return b;
}

/**
 * The predicate of GET /volumes filters: dangling, name, label, driver.
 * Throws InvalidArgumentError for other keys or bad values.
 */
export function listFilter(
  filters: Record<string, string[]>,
  inUse: (name: string) => boolean,
): (r: VolumeRecord) => boolean {
  checkFilterKeys(filters, ["dangling", "name", "label", "driver"]);
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
  checkFilterKeys(filters, ["label", "label!", "all"]);
  const all =
    filters.all?.some((v) => bool("all", v)) ??
    Number(version.split(".")[1] ?? 0) < 42;
  return (r) =>
    (all || ANONYMOUS_LABEL in r.labels) && labelsMatch(r.labels, filters);
}
