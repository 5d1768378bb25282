/** `wharf container prune [-f] [--filter …]`. */
import type { Command } from "../../command.ts";
import { humanSize } from "../../../conventions/human.ts";
import { parseFilters, pruneFlags, prunePermitted } from "../each.ts";

/** Removes stopped containers after a prompt (skipped with -f); prints what went and the space reclaimed. */
export const prune: Command = {
  usage: "[OPTIONS]",
  short: "Remove all stopped containers",
  flags: pruneFlags,
  args: { max: 0 },
  action: async (ctx) => {
    const filters = parseFilters(ctx.flags.list("filter"));
    if (
      !(await prunePermitted(
        ctx,
        "WARNING! This will remove all stopped containers.",
      ))
    )
      return 0;
    const r = await ctx.client().containers.prune({ filters });
    let out = "";
    if (r.ContainersDeleted?.length)
      out += `Deleted Containers:\n${r.ContainersDeleted.join("\n")}\n\n`;
    out += `Total reclaimed space: ${humanSize(r.SpaceReclaimed)}\n`;
    ctx.io.stdout.write(out);
  },
};
