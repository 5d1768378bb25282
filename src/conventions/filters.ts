/**
 * Docker's filters: what the CLI's repeated `--filter key=value` flags build,
 * the `filters` query parameter that carries them as JSON, and the checks
 * every list and prune endpoint applies (unknown keys, booleans, labels).
 * A filters map is name → values; values within a name are ORed, names ANDed.
 */
import { InvalidArgumentError } from "../util/errors.ts";
import { timestampMillis } from "./timestamp.ts";

/** name → values, as GET /containers/json?filters=… carries them. */
export type Filters = Record<string, string[]>;

/**
 * Parses `--filter` values ("label=a=b", "dangling=true") into a filters map:
 * the name is trimmed and lowercased, the value kept as typed. Throws
 * InvalidArgumentError "bad format of filter (expected name=value)".
 */
export function parseFilterArgs(values: string[]): Filters {
  const filters: Filters = {};
  for (const v of values) {
    const eq = v.indexOf("=");
    if (eq <= 0)
      throw new InvalidArgumentError(
        "bad format of filter (expected name=value)",
      );
    (filters[v.slice(0, eq).trim().toLowerCase()] ??= []).push(v.slice(eq + 1));
  }
  return filters;
}

/**
 * Parses the `filters` query parameter. compat: API clients before 1.22 send
 * {"name": {"x": true}}, newer ones {"name": ["x"]}; both are accepted.
 * Throws InvalidArgumentError for JSON that is not such a map.
 */
export function parseFilterJson(raw: string | null | undefined): Filters {
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new InvalidArgumentError(`invalid filter: ${raw}`);
  }
  if (typeof parsed !== "object" || parsed === null)
    throw new InvalidArgumentError("invalid filter");
  const out: Filters = {};
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (Array.isArray(v)) out[k] = v.map(String);
    else if (typeof v === "object" && v !== null)
      out[k] = Object.entries(v)
        .filter(([, on]) => on === true)
        .map(([name]) => name);
    else throw new InvalidArgumentError(`invalid filter '${k}'`);
  }
  return out;
}

/** The map itself when it has a name, undefined when empty (clients leave `filters` out then). */
export function nonEmptyFilters(
  filters: Filters | undefined,
): Filters | undefined {
  return filters && Object.keys(filters).length ? filters : undefined;
}

/** Throws InvalidArgumentError "invalid filter 'key'" for a name outside `allowed` (moby's Validate). */
export function checkFilterKeys(
  filters: Filters,
  allowed: ReadonlySet<string> | readonly string[],
): void {
  const ok = "has" in allowed ? allowed : new Set(allowed);
  for (const key of Object.keys(filters))
    if (!ok.has(key)) throw new InvalidArgumentError(`invalid filter '${key}'`);
}

/**
 * A boolean filter value: "true"/"1" and "false"/"0", any case. Returns
 * undefined for anything else, so each endpoint words its own error as Docker does.
 */
export function filterBool(value: string): boolean | undefined {
  const s = value.toLowerCase();
  if (s === "true" || s === "1") return true;
  if (s === "false" || s === "0") return false;
  return undefined;
}

/** True when `label=key` (present) or `label=key=value` (equal) holds for a label map. */
export function labelMatches(
  labels: Record<string, string>,
  term: string,
): boolean {
  const eq = term.indexOf("=");
  if (eq < 0) return term in labels;
  return labels[term.slice(0, eq)] === term.slice(eq + 1);
}

/** The `label` and `label!` filters together: every `label` holds and no `label!` does. */
export function labelsMatch(
  labels: Record<string, string>,
  filters: Filters,
): boolean {
  return (
    (filters.label ?? []).every((l) => labelMatches(labels, l)) &&
    !(filters["label!"] ?? []).some((l) => labelMatches(labels, l))
  );
}

/**
 * The instant of a prune `until` filter value (a duration before `now`, an RFC
 * 3339 time or Unix seconds) in milliseconds since the epoch. Throws
 * InvalidArgumentError "invalid filter 'until=…'".
 */
export function untilMillis(value: string, now = Date.now()): number {
  try {
    return timestampMillis(value, now);
  } catch {
    throw new InvalidArgumentError(`invalid filter 'until=${value}'`);
  }
}
