/** `wharf push [-a] [-q] NAME[:TAG]`. */
import type { Command } from "../../command.ts";
import { showTransfer, transferFlags, transferRef } from "./transfer.ts";

/** Pushes a tag (or every tag of a repository) through the daemon, drawing Docker's progress. */
export const push: Command = {
  usage: "[OPTIONS] NAME[:TAG]",
  short: "Upload an image to a registry",
  flags: transferFlags(
    "Push all tags of an image to the repository",
    "Skip image signing",
  ),
  args: { min: 1, max: 1 },
  action: async (ctx) => {
    const transfer = transferRef(ctx);
    const { ref, auth } = transfer;
    const stream = await ctx.client().registry.push(ref.name, {
      ...(transfer.all ? {} : { tag: ref.tag ?? "" }),
      ...(auth ? { auth } : {}),
    });
    await showTransfer(ctx, stream, transfer);
  },
};
