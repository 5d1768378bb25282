/** `wharf rename CONTAINER NEW_NAME`. */
import type { Command } from "../../command.ts";

/** Renames a container; prints nothing. */
export const rename: Command = {
  usage: "CONTAINER NEW_NAME",
  short: "Rename a container",
  flags: [],
  args: { min: 2, max: 2 },
  action: async (ctx) => {
    const [from = "", to = ""] = ctx.args;
    if (!to.trim())
      throw new Error("Error: Neither old nor new names may be empty");
    await ctx.client().containers.rename(from, to);
  },
};
