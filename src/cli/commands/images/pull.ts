/** `wharf pull [-a] [-q] [--platform P] NAME[:TAG|@DIGEST]`. */
import type { Command } from "../../command.ts";
import { flagSpec } from "../../flags.ts";
import { showTransfer, transferFlags, transferRef } from "./transfer.ts";

/** Pulls an image (or every tag of a repository) through the daemon, drawing Docker's progress. */
export const pull: Command = {
  usage: "[OPTIONS] NAME[:TAG|@DIGEST]",
  short: "Download an image from a registry",
  flags: transferFlags(
    "Download all tagged images in the repository",
    "Skip image verification",
    flagSpec(
      "string",
      "platform",
      "Set platform if server is multi-platform capable",
    ),
  ),
  args: { min: 1, max: 1 },
  action: async (ctx) => {
    const transfer = transferRef(ctx);
    const { ref, auth } = transfer;
    // compat: the Docker CLI reads DOCKER_DEFAULT_PLATFORM when --platform is not given.
    const platform =
      ctx.flags.string("platform") || ctx.env.DOCKER_DEFAULT_PLATFORM || "";
    const stream = await ctx.client().registry.pull(ref.name, {
      ...(transfer.all ? {} : { tag: ref.digest ?? ref.tag ?? "" }),
      ...(platform ? { platform } : {}),
      ...(auth ? { auth } : {}),
    });
    await showTransfer(ctx, stream, transfer);
  },
};
