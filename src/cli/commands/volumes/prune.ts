/** `wharf volume prune [-a] [-f] [--filter …]`. */
import type { Command } from "../../command.ts";
import { pruneFilters, pruneFlags, pruneReport } from "../each.ts";

/** Removes unused anonymous (with -a, all unused) volumes after a prompt. */
export const prune: Command = {
  usage: "[OPTIONS]",
  short: "Remove unused local volumes",
  flags: [
    {
      name: "all",
      short: "a",
      type: "bool",
      description: "Remove all unused volumes, not just anonymous ones",
    },
    ...pruneFlags,
  ],
  args: { max: 0 },
  action: async (ctx) => {
    const warning = ctx.flags.bool("all")
      ? "WARNING! This will remove all local volumes not used by at least one container."
      : "WARNING! This will remove anonymous local volumes not used by at least one container.";
    const filters = await pruneFilters(ctx, warning);
    if (!filters) return 0;
    if (ctx.flags.bool("all")) filters.all = ["true"];
    const r = await ctx.client().volumes.prune({ filters });
    ctx.io.stdout.write(
      pruneReport("Deleted Volumes", r.VolumesDeleted, r.SpaceReclaimed),
    );
  },
};
