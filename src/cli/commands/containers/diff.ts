/** `wharf diff CONTAINER`. */
import type { Command } from "../../command.ts";

const LETTERS = ["C", "A", "D"] as const;

/** Prints the container's filesystem changes as Docker does: "A /path", "C /path", "D /path". */
export const diff: Command = {
  usage: "CONTAINER",
  short: "Inspect changes to files or directories on a container's filesystem",
  flags: [],
  args: { min: 1, max: 1 },
  action: async (ctx) => {
    const changes = await ctx.client().archive.changes(ctx.args[0]!);
    for (const c of changes)
      ctx.io.stdout.write(`${LETTERS[c.Kind]} ${c.Path}\n`);
  },
};
