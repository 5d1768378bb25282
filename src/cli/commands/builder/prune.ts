/** `wharf builder prune [-a] [-f] [--filter …] [--keep-storage N]`. */
import { pruneBuildCache } from "../../../client/image-build.ts";
import type { Command } from "../../command.ts";
import { ramInBytes } from "../containers/ram-in-bytes.ts";
import { pruneFilters, pruneFlags, pruneReport } from "../each.ts";

/** Removes the build cache (dangling, or with -a all of it) after a prompt. */
export const prune: Command = {
  usage: "[OPTIONS]",
  short: "Remove build cache",
  flags: [
    {
      name: "all",
      short: "a",
      type: "bool",
      description: "Remove all unused build cache, not just dangling ones",
    },
    {
      name: "keep-storage",
      type: "string",
      description: "Amount of disk space to keep for cache",
    },
    ...pruneFlags,
  ],
  args: { max: 0 },
  action: async (ctx) => {
    const all = ctx.flags.bool("all");
    const keep = ctx.flags.string("keep-storage");
    const keepStorage = keep ? ramInBytes(keep, "--keep-storage") : undefined;
    const filters = await pruneFilters(
      ctx,
      all
        ? "WARNING! This will remove all build cache."
        : "WARNING! This will remove all dangling build cache.",
    );
    if (!filters) return 0;
    const r = await pruneBuildCache(ctx.client().transport, {
      all,
      filters,
      ...(keepStorage !== undefined ? { keepStorage } : {}),
    });
    ctx.io.stdout.write(
      pruneReport(
        "Deleted build cache objects",
        r.CachesDeleted,
        r.SpaceReclaimed,
      ),
    );
  },
};
