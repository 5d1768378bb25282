import {
  checkFilterKeys,
  filterBool,
  labelsMatch,
  untilMillis,
} from "../../conventions/filters.ts";
import type {
  ImageDeleteItem,
  ImagePruneResponse,
  ImageSummary,
} from "../../api/images.ts";
import type { Digest } from "../../oci/digest.ts";
import { familiarName, familiarString } from "../../oci/reference.ts";
import { InvalidArgumentError } from "../../util/errors.ts";
import { imageChainIds, imageSize } from "./layers.ts";
import { removeImage, type RemoveDeps } from "./remove.ts";
import { resolveImage } from "./resolve.ts";
import { createdSeconds, summaryView } from "./view.ts";

/** Options of GET /images/json. */
export type ListOptions = {
  all: boolean;
  filters: Record<string, string[]>;
  sharedSize: boolean;
  version: string;
};

const listKeys = new Set([
  "dangling",
  "label",
  "before",
  "since",
  "reference",
  "until",
]);
const pruneKeys = new Set(["dangling", "label", "label!", "until"]);

/** GET /images/json: filtered summaries, newest first. Throws InvalidArgumentError for bad filters. */
export async function listImages(
  deps: RemoveDeps,
  options: ListOptions,
): Promise<ImageSummary[]> {
  const f = options.filters;
  checkFilterKeys(f, listKeys);
  const dangling = danglingFilter(f);
  const before = f.before?.map((r) =>
    createdSeconds(deps.store.config(resolveImage(deps.store, r).id)),
  );
  const since = f.since?.map((r) =>
    createdSeconds(deps.store.config(resolveImage(deps.store, r).id)),
  );
  const until = f.until?.map((v) => untilMillis(v) / 1000);
  const patterns = (f.reference ?? []).map(globRegExp);
  const parents = new Set(
    deps.store.ids().map((id) => deps.store.record(id)?.parent),
  );
  const rows: ImageSummary[] = [];
  for (const id of deps.store.ids()) {
    const refs = deps.store.refsOf(id);
    const created = createdSeconds(deps.store.config(id));
    if (dangling !== undefined && dangling !== (refs.length === 0)) continue;
    if (!options.all && refs.length === 0 && parents.has(id)) continue;
    if (before && !before.every((t) => created < t)) continue;
    if (since && !since.every((t) => created > t)) continue;
    if (until && !until.every((t) => created < t)) continue;
    if (!labelsMatch(deps.store.config(id).config?.Labels ?? {}, f)) continue;
    // moby: reference filters match the familiar name or name:tag with path.Match.
    if (
      patterns.length &&
      !refs.some((r) =>
        patterns.some(
          (p) => p.test(familiarString(r)) || p.test(familiarName(r)),
        ),
      )
    )
      continue;
    const row = summaryView(deps.store, id, {
      size: await imageSize(deps, id),
      version: options.version,
    });
    // compat: with a reference filter, moby lists only the tags that matched.
    if (patterns.length)
      row.RepoTags = row.RepoTags.filter((t) =>
        patterns.some((p) => p.test(t) || p.test(t.replace(/:[^:/]*$/, ""))),
      );
    rows.push(row);
  }
  if (options.sharedSize) await addSharedSizes(deps, rows);
  return rows.sort((a, b) => b.Created - a.Created || (a.Id < b.Id ? -1 : 1));
}

async function addSharedSizes(
  deps: RemoveDeps,
  rows: ImageSummary[],
): Promise<void> {
  const use = new Map<Digest, number>();
  for (const id of deps.store.ids())
    for (const c of imageChainIds(deps, id)) use.set(c, (use.get(c) ?? 0) + 1);
  for (const row of rows) {
    let shared = 0;
    for (const c of imageChainIds(deps, row.Id))
      if ((use.get(c) ?? 0) > 1)
        shared += (await deps.store.layers.get(c.slice(7)))?.size ?? 0;
    row.SharedSize = shared;
  }
}

/**
 * POST /images/prune: removes dangling images not used by containers, or
 * with dangling=false every unused image, as moby's ImagesPrune does (each
 * name is removed in turn; the last one deletes the image).
 */
export async function pruneImages(
  deps: RemoveDeps,
  filters: Record<string, string[]>,
): Promise<ImagePruneResponse> {
  checkFilterKeys(filters, pruneKeys);
  const danglingOnly = danglingFilter(filters) !== false;
  const until = filters.until?.map((v) => untilMillis(v) / 1000);
  const parents = new Set(
    deps.store.ids().map((id) => deps.store.record(id)?.parent),
  );
  const deleted: ImageDeleteItem[] = [];
  let reclaimed = 0;
  for (const id of deps.store.ids()) {
    const refs = deps.store.refsOf(id);
    if (danglingOnly && refs.length > 0) continue;
    if (deps.usage(id) || parents.has(id)) continue;
    const created = createdSeconds(deps.store.config(id));
    if (until && !until.every((t) => created < t)) continue;
    if (!labelsMatch(deps.store.config(id).config?.Labels ?? {}, filters))
      continue;
    const sizes = new Map<string, number>();
    for (const c of imageChainIds(deps, id))
      sizes.set(c, (await deps.store.layers.get(c.slice(7)))?.size ?? 0);
    const names = refs.length ? refs.map(familiarString) : [id];
    for (const name of names) {
      const items = await removeImage(deps, name, {
        force: false,
        prune: true,
      });
      for (const item of items)
        if ("Deleted" in item) reclaimed += sizes.get(item.Deleted) ?? 0;
      deleted.push(...items);
    }
  }
  // compat: Docker sends null, not [], when nothing was deleted.
  return {
    ImagesDeleted: deleted.length ? deleted : null,
    SpaceReclaimed: reclaimed,
  };
}

function danglingFilter(f: Record<string, string[]>): boolean | undefined {
  const v = f.dangling;
  if (!v || v.length === 0) return undefined;
  const b = filterBool(v[v.length - 1]!);
  if (b !== undefined) return b;
  throw new InvalidArgumentError(
    `Invalid filter 'dangling=${v[v.length - 1]!}'`,
  );
}

/** Go's path.Match pattern as a RegExp: `*` and `?` never match `/`. */
function globRegExp(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === "*") re += "[^/]*";
    else if (ch === "?") re += "[^/]";
    else if (ch === "[") {
      const end = pattern.indexOf("]", i + 1);
      if (end === -1)
        throw new InvalidArgumentError(
          `invalid reference filter ${JSON.stringify(pattern)}: syntax error in pattern`,
        );
      re += `[${pattern
        .slice(i + 1, end)
        .replace(/^\^/, "^")
        .replace(/\\/g, "\\\\")}]`;
      i = end;
    } else re += ch.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}
