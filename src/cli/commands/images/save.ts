/** `wharf save [-o FILE] IMAGE...`. */
import { createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { StatusError, type Command } from "../../command.ts";
import { PLATFORM_FLAG, platformJson } from "./platform-flag.ts";

/** Writes the images as a tar to -o or to stdout (never to a terminal). */
export const save: Command = {
  usage: "[OPTIONS] IMAGE [IMAGE...]",
  short:
    "Save one or more images to a tar archive (streamed to STDOUT by default)",
  flags: [
    {
      name: "output",
      short: "o",
      type: "string",
      description: "Write to a file, instead of STDOUT",
    },
    PLATFORM_FLAG,
  ],
  args: { min: 1 },
  action: async (ctx) => {
    const output = ctx.flags.string("output");
    if (!output && ctx.io.stdout.isTTY)
      throw new StatusError(
        "Cowardly refusing to save to a terminal. Use the -o flag or redirect",
        1,
      );
    const platform = platformJson(ctx.flags.string("platform"));
    const tar = await ctx
      .client()
      .images.save(ctx.args, platform ? { platform } : {});
    if (output) await pipeline(tar, createWriteStream(output));
    else
      for await (const chunk of tar)
        if (!ctx.io.stdout.write(chunk as Buffer))
          await new Promise((ok) => ctx.io.stdout.once("drain", ok));
  },
};
