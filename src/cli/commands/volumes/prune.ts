/** `wharf volume prune [-a] [-f] [--filter …]`. */
import type { Command } from "../../command.ts";
import { humanSize } from "../../../conventions/human.ts";
import { parseFilters, pruneFlags, prunePermitted } from "../each.ts";

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
    const filters = parseFilters(ctx.flags.list("filter"));
    if (ctx.flags.bool("all")) filters.all = ["true"];
    const warning = ctx.flags.bool("all")
      ? "WARNING! This will remove all local volumes not used by at least one container."
      : "WARNING! This will remove anonymous local volumes not used by at least one container.";
    if (!(await prunePermitted(ctx, warning))) return 0;
    const r = await ctx.client().volumes.prune({ filters });
    let out = "";
    if (r.VolumesDeleted?.length)
      out += `Deleted Volumes:\n${r.VolumesDeleted.join("\n")}\n\n`;
    out += `Total reclaimed space: ${humanSize(r.SpaceReclaimed)}\n`;
    ctx.io.stdout.write(out);
  },
};
