import type { BuildCacheRecord } from "../../api/build.ts";
import { parseGoDurationNs } from "../../conventions/duration.ts";
import { labelsMatch } from "../../conventions/filters.ts";
import { chainIds } from "../../oci/digest.ts";
import { InvalidArgumentError, WharfError } from "../../util/errors.ts";
import type { ImageService } from "../images/index.ts";

/** The BuildCache filters dockerd 20.10 takes; each takes at most one value. */
const CACHE_FIELDS = [
  "id",
  "parent",
  "type",
  "description",
  "inuse",
  "shared",
  "private",
];
/** What dockerd also accepts without complaint (its classic builder's label filters). */
const OTHER_FILTERS = ["until", "unused-for", "label", "label!"];

/** The prune request, checked: which rows to drop and how many bytes to keep. */
export type PrunePlan = {
  /** Keeps rows used within this many ms (until / unused-for). */
  keepMs?: number;
  matches: (row: BuildCacheRecord, labels: Record<string, string>) => boolean;
};

/**
 * Checks /build/prune's filters as dockerd 20.10 does (its BuildKit
 * prune's toBuildkitPruneInfo) and turns them into a plan. compat: the
 * messages carry dockerd's "failed to prune build cache: " prefix; an
 * unknown filter, two values or until with unused-for are 400, a bad
 * duration is 500.
 */
export function prunePlan(filters: Record<string, string[]>): PrunePlan {
  const fail = (m: string): never => {
    throw new InvalidArgumentError(`failed to prune build cache: ${m}`);
  };
  for (const k of Object.keys(filters))
    if (!CACHE_FIELDS.includes(k) && !OTHER_FILTERS.includes(k))
      fail(`Invalid filter '${k}'`);
  const until = filters.until ?? [];
  const unused = filters["unused-for"] ?? [];
  if (until.length && unused.length)
    fail(`conflicting filters: "until" and "unused-for"`);
  const key = unused.length ? "unused-for" : "until";
  const durations = [...until, ...unused];
  if (durations.length > 1) fail("filters expect only one value");
  let keepMs: number | undefined;
  if (durations.length === 1) {
    const ns = parseGoDurationNs(durations[0]!);
    if (ns === undefined)
      throw new WharfError(
        `failed to prune build cache: "${key}" filter expects a duration (e.g., '24h'): time: invalid duration "${durations[0]!}"`,
      );
    keepMs = ns / 1e6;
  }
  const tests: ((r: BuildCacheRecord) => boolean)[] = [];
  for (const field of CACHE_FIELDS) {
    const values = filters[field];
    if (!values) continue;
    if (values.length > 1) fail("filters expect only one value");
    tests.push(fieldTest(field, values[0]));
  }
  return {
    ...(keepMs !== undefined ? { keepMs } : {}),
    matches: (row, labels) =>
      tests.every((t) => t(row)) && labelsMatch(labels, filters),
  };
}

/** One cache-field filter as BuildKit applies it: `id~=` a pattern, the others `==`; a bare boolean field means true. */
function fieldTest(
  field: string,
  value: string | undefined,
): (r: BuildCacheRecord) => boolean {
  const v = value ?? "true";
  switch (field) {
    case "id": {
      let re: RegExp | undefined;
      try {
        re = new RegExp(v);
      } catch {
        re = undefined;
      }
      return (r) => (re ? re.test(r.ID) : r.ID.includes(v));
    }
    case "parent":
      return (r) => (r.Parents ?? []).includes(v);
    case "type":
      return (r) => r.Type === v;
    case "description":
      return (r) => r.Description === v;
    case "inuse":
      return (r) => String(r.InUse) === v;
    case "shared":
      return (r) => String(r.Shared) === v;
    default: // private: not shared
      return (r) => String(!r.Shared) === v;
  }
}

/**
 * The /system/df row of one cached step's image: its own layer's size
 * (0 for a config-only step), Shared when a tag or a container holds it.
 */
export async function cacheRow(
  images: ImageService,
  id: string,
  inUse: boolean,
): Promise<CacheEntry | undefined> {
  const rec = images.store.record(id);
  if (!rec) return undefined;
  const cfg = images.store.config(rec.id);
  const history = cfg.history ?? [];
  const last = history[history.length - 1];
  let size = 0;
  const diffIds = cfg.rootfs?.diff_ids ?? [];
  if (last && !last.empty_layer && diffIds.length) {
    const chain = chainIds(diffIds).at(-1)!;
    size = (await images.store.layers.get(chain.slice(7)))?.size ?? 0;
  }
  const row: BuildCacheRecord = {
    ID: id.slice(7, 32),
    Parents: rec.parent ? [rec.parent.slice(7, 32)] : null,
    Type: "regular",
    Description: last?.created_by ?? "",
    InUse: inUse,
    Shared: images.store.refsOf(rec.id).length > 0,
    Size: size,
    CreatedAt: cfg.created ?? new Date(0).toISOString(),
    LastUsedAt: null,
    UsageCount: 1,
  };
  return { imageId: rec.id, row, labels: cfg.config?.Labels ?? {} };
}

/** A cached step: its image, its df row and its image's labels (for label filters). */
export type CacheEntry = {
  imageId: string;
  row: BuildCacheRecord;
  labels: Record<string, string>;
};

/**
 * keep-storage: the rows to drop, oldest first, until what stays fits in
 * keep bytes (0 or absent: no limit, drop every candidate).
 */
export function overBudget(
  all: CacheEntry[],
  candidates: CacheEntry[],
  keep: number,
): CacheEntry[] {
  if (!keep) return candidates;
  let total = all.reduce((s, e) => s + e.row.Size, 0);
  const out: CacheEntry[] = [];
  const oldest = [...candidates].sort((a, b) =>
    a.row.CreatedAt.localeCompare(b.row.CreatedAt),
  );
  for (const e of oldest) {
    if (total <= keep) break;
    out.push(e);
    total -= e.row.Size;
  }
  return out;
}
