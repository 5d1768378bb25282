/** `wharf export [-o FILE] CONTAINER`. */
import { createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { StatusError, type Command } from "../../command.ts";

/** Writes the container's filesystem as a tar to -o or to stdout (never to a terminal). */
export const exportContainer: Command = {
  usage: "[OPTIONS] CONTAINER",
  short: "Export a container's filesystem as a tar archive",
  flags: [
    {
      name: "output",
      short: "o",
      type: "string",
      description: "Write to a file, instead of STDOUT",
    },
  ],
  args: { min: 1, max: 1 },
  action: async (ctx) => {
    const output = ctx.flags.string("output");
    // compat: the Docker CLI's wording.
    if (!output && ctx.io.stdout.isTTY)
      throw new StatusError(
        "cowardly refusing to save to a terminal. Use the -o flag or redirect",
        1,
      );
    const tar = await ctx.client().archive.export(ctx.args[0]!);
    if (output) await pipeline(tar, createWriteStream(output));
    else
      for await (const chunk of tar)
        if (!ctx.io.stdout.write(chunk as Buffer))
          await new Promise((ok) => ctx.io.stdout.once("drain", ok));
  },
};
