/** `wharf push [-a] [-q] NAME[:TAG]`. */
import type { Command } from "../../command.ts";
import { showTransfer, transferRef } from "./transfer.ts";

/** Pushes a tag (or every tag of a repository) through the daemon, drawing Docker's progress. */
export const push: Command = {
  usage: "[OPTIONS] NAME[:TAG]",
  short: "Upload an image to a registry",
  flags: [
    {
      name: "all-tags",
      short: "a",
      type: "bool",
      description: "Push all tags of an image to the repository",
    },
    {
      name: "disable-content-trust",
      type: "bool",
      description: "Skip image signing",
      default: true,
    },
    {
      name: "quiet",
      short: "q",
      type: "bool",
      description: "Suppress verbose output",
    },
  ],
  args: { min: 1, max: 1 },
  action: async (ctx) => {
    const all = ctx.flags.bool("all-tags");
    const quiet = ctx.flags.bool("quiet");
    const { ref, auth } = transferRef(ctx, all, quiet);
    const stream = await ctx.client().registry.push(ref.name, {
      ...(all ? {} : { tag: ref.tag ?? "" }),
      ...(auth ? { auth } : {}),
    });
    await showTransfer(ctx, stream, ref, quiet);
  },
};
