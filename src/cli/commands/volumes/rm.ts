/** `wharf volume rm [-f] VOLUME...`. */
import type { Command } from "../../command.ts";
import { forEachName } from "../each.ts";

/** Removes volumes, printing each name; in-use volumes are refused by the daemon. */
export const rm: Command = {
  usage: "[OPTIONS] VOLUME [VOLUME...]",
  short: "Remove one or more volumes",
  flags: [
    {
      name: "force",
      short: "f",
      type: "bool",
      description: "Force the removal of one or more volumes",
    },
  ],
  args: { min: 1 },
  action: (ctx) =>
    forEachName(ctx, ctx.args, async (name) => {
      await ctx
        .client()
        .volumes.remove(name, { force: ctx.flags.bool("force") });
      return name;
    }),
};
