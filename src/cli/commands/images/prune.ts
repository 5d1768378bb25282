/** `wharf image prune [-a] [-f] [--filter …]`. */
import type { Command } from "../../command.ts";
import { humanSize } from "../../../conventions/human.ts";
import { parseFilters, pruneFlags, prunePermitted } from "../each.ts";

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
    const filters = parseFilters(ctx.flags.list("filter"));
    filters.dangling = [all ? "false" : "true"];
    const warning = all
      ? "WARNING! This will remove all images without at least one container associated to them."
      : "WARNING! This will remove all dangling images.";
    if (!(await prunePermitted(ctx, warning))) return 0;
    const r = await ctx.client().images.prune({ filters });
    let out = "";
    if (r.ImagesDeleted?.length)
      out += `Deleted Images:\n${r.ImagesDeleted.map((i) => ("Untagged" in i ? `untagged: ${i.Untagged}` : `deleted: ${i.Deleted}`)).join("\n")}\n\n`;
    out += `Total reclaimed space: ${humanSize(r.SpaceReclaimed)}\n`;
    ctx.io.stdout.write(out);
  },
};
