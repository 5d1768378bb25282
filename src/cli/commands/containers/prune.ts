/** `wharf container prune [-f] [--filter …]`. */
import type { Command } from "../../command.ts";
import { pruneFilters, pruneFlags, pruneReport } from "../each.ts";

/** Removes stopped containers after a prompt (skipped with -f); prints what went and the space reclaimed. */
export const prune: Command = {
  usage: "[OPTIONS]",
  short: "Remove all stopped containers",
  flags: pruneFlags,
  args: { max: 0 },
  action: async (ctx) => {
    const filters = await pruneFilters(
      ctx,
      "WARNING! This will remove all stopped containers.",
    );
    if (!filters) return 0;
    const r = await ctx.client().containers.prune({ filters });
    ctx.io.stdout.write(
      pruneReport("Deleted Containers", r.ContainersDeleted, r.SpaceReclaimed),
    );
  },
};
