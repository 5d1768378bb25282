/** Row contexts of `images` and `history`, as Docker's ImageContext and historyContext build them. */
import type { ImageHistoryItem, ImageSummary } from "../../../client/index.ts";
import { humanSize } from "../../../conventions/human.ts";
import { goTime, timeAgo } from "../../format/units.ts";
import { ellipsis } from "../containers/view.ts";

/** Header text per `images` field. */
export const IMAGE_HEADERS: Record<string, string> = {
  Repository: "REPOSITORY",
  Tag: "TAG",
  Digest: "DIGEST",
  ID: "IMAGE ID",
  CreatedSince: "CREATED",
  CreatedAt: "CREATED AT",
  Size: "SIZE",
  Containers: "CONTAINERS",
  SharedSize: "SHARED SIZE",
  UniqueSize: "UNIQUE SIZE",
  VirtualSize: "VIRTUAL SIZE",
};

/** Header text per `history` field. */
export const HISTORY_HEADERS: Record<string, string> = {
  ID: "IMAGE",
  CreatedSince: "CREATED",
  CreatedAt: "CREATED AT",
  CreatedBy: "CREATED BY",
  Size: "SIZE",
  Comment: "COMMENT",
};

/** Splits "repo:tag" or "repo@digest" (a port in the registry is not a tag). */
export function splitRef(ref: string): {
  repo: string;
  tag?: string;
  digest?: string;
} {
  const at = ref.indexOf("@");
  if (at >= 0) return { repo: ref.slice(0, at), digest: ref.slice(at + 1) };
  const colon = ref.lastIndexOf(":");
  if (colon > ref.lastIndexOf("/"))
    return { repo: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { repo: ref };
}

function shortId(id: string, trunc: boolean): string {
  return trunc ? id.replace(/^sha256:/, "").slice(0, 12) : id;
}

/** One row per repository:tag (and per digest with --digests), "<none>" rows for untagged images. */
export function imageRows(
  images: ImageSummary[],
  options: { trunc: boolean; digests: boolean },
  now = Date.now(),
): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (const image of images) {
    const row = (
      repository: string,
      tag: string,
      digest: string,
    ): Record<string, unknown> => ({
      Containers: image.Containers === -1 ? "N/A" : String(image.Containers),
      CreatedAt: goTime(image.Created),
      CreatedSince: image.Created ? timeAgo(image.Created, now) : "N/A",
      Digest: digest,
      ID: shortId(image.Id, options.trunc),
      Repository: repository,
      SharedSize:
        image.SharedSize === -1 ? "N/A" : humanSize(image.SharedSize, 3),
      Size: humanSize(image.Size, 3),
      Tag: tag,
      UniqueSize:
        image.SharedSize === -1
          ? "N/A"
          : humanSize(image.Size - image.SharedSize, 3),
      VirtualSize: humanSize(image.VirtualSize ?? image.Size, 3),
    });
    const tags = new Map<string, string[]>();
    const digests = new Map<string, string[]>();
    for (const ref of image.RepoTags ?? []) {
      const r = splitRef(ref);
      if (r.tag !== undefined && r.repo !== "<none>")
        (tags.get(r.repo) ?? tags.set(r.repo, []).get(r.repo))?.push(r.tag);
    }
    for (const ref of image.RepoDigests ?? []) {
      const r = splitRef(ref);
      if (r.digest && r.repo !== "<none>")
        (digests.get(r.repo) ?? digests.set(r.repo, []).get(r.repo))?.push(
          r.digest,
        );
    }
    const before = rows.length;
    for (const [repo, list] of tags) {
      const ds = options.digests ? (digests.get(repo) ?? []) : [];
      digests.delete(repo);
      for (const tag of list) {
        if (!ds.length) rows.push(row(repo, tag, "<none>"));
        for (const d of ds) rows.push(row(repo, tag, d));
      }
    }
    for (const [repo, ds] of digests) {
      if (options.digests)
        for (const d of ds) rows.push(row(repo, "<none>", d));
      else rows.push(row(repo, "<none>", "<none>"));
    }
    if (rows.length === before) rows.push(row("<none>", "<none>", "<none>"));
  }
  return rows;
}

/** One history row; human false prints RFC 3339 times and byte counts (-H=false). */
export function historyRow(
  h: ImageHistoryItem,
  options: { trunc: boolean; human: boolean },
  now = Date.now(),
): Record<string, unknown> {
  const createdBy = h.CreatedBy.replace(/\t/g, " ");
  return {
    ID: h.Id === "<missing>" ? h.Id : shortId(h.Id, options.trunc),
    CreatedSince: options.human
      ? timeAgo(h.Created, now)
      : new Date(h.Created * 1000).toISOString().replace(/\.\d+Z$/, "Z"),
    CreatedAt: new Date(h.Created * 1000).toISOString().replace(/\.\d+Z$/, "Z"),
    CreatedBy: options.trunc ? ellipsis(createdBy, 45) : createdBy,
    Size: options.human ? humanSize(h.Size, 3) : String(h.Size),
    Comment: h.Comment,
  };
}
