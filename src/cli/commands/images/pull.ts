/** `wharf pull [-a] [-q] [--platform P] NAME[:TAG|@DIGEST]`. */
import type { Command } from "../../command.ts";
import { showTransfer, transferRef } from "./transfer.ts";

/** Pulls an image (or every tag of a repository) through the daemon, drawing Docker's progress. */
export const pull: Command = {
  usage: "[OPTIONS] NAME[:TAG|@DIGEST]",
  short: "Download an image from a registry",
  flags: [
    {
      name: "all-tags",
      short: "a",
      type: "bool",
      description: "Download all tagged images in the repository",
    },
    {
      name: "disable-content-trust",
      type: "bool",
      description: "Skip image verification",
      default: true,
    },
    {
      name: "platform",
      type: "string",
      description: "Set platform if server is multi-platform capable",
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
    // compat: the Docker CLI reads DOCKER_DEFAULT_PLATFORM when --platform is not given.
    const platform =
      ctx.flags.string("platform") || ctx.env.DOCKER_DEFAULT_PLATFORM || "";
    const stream = await ctx.client().registry.pull(ref.name, {
      ...(all ? {} : { tag: ref.digest ?? ref.tag ?? "" }),
      ...(platform ? { platform } : {}),
      ...(auth ? { auth } : {}),
    });
    await showTransfer(ctx, stream, ref, quiet);
  },
};
