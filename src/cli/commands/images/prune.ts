/** `wharf image prune [-a] [-f] [--filter …]`. */
import type { Command } from "../../command.ts";
import { pruneFilters, pruneFlags, pruneReport } from "../each.ts";

/** Removes dangling (or with -a, unused) images after a prompt; prints them and the space reclaimed. */
export const prune: Command = {
  usage: "[OPTIONS]",
  short: "Remove unused images",
  flags: [
    {
      name: "all",
      short: "a",
      type: "bool",
      description: "Remove all unused images, not just dangling ones",
    },
    ...pruneFlags,
  ],
  args: { max: 0 },
  action: async (ctx) => {
    const all = ctx.flags.bool("all");
    const warning = all
      ? "WARNING! This will remove all images without at least one container associated to them."
      : "WARNING! This will remove all dangling images.";
    const filters = await pruneFilters(ctx, warning);
    if (!filters) return 0;
    filters.dangling = [all ? "false" : "true"];
    const r = await ctx.client().images.prune({ filters });
    const items = r.ImagesDeleted?.map((i) =>
      "Untagged" in i ? `untagged: ${i.Untagged}` : `deleted: ${i.Deleted}`,
    );
    ctx.io.stdout.write(pruneReport("Deleted Images", items, r.SpaceReclaimed));
  },
};
