/** `wharf load [-i FILE] [-q]`. */
import { createReadStream, existsSync } from "node:fs";
import type { Readable } from "node:stream";
import { StatusError, type Command } from "../../command.ts";
import { displayJsonMessages } from "../../format/json-message.ts";
import { PLATFORM_FLAG, platformJson } from "./platform-flag.ts";

/** Loads images from a tar (file or stdin); prints "Loaded image: …" lines. */
export const load: Command = {
  usage: "[OPTIONS]",
  short: "Load an image from a tar archive or STDIN",
  flags: [
    {
      name: "input",
      short: "i",
      type: "string",
      description: "Read from tar archive file, instead of STDIN",
    },
    PLATFORM_FLAG,
    {
      name: "quiet",
      short: "q",
      type: "bool",
      description: "Suppress the load output",
    },
  ],
  args: { max: 0 },
  action: async (ctx) => {
    const input = ctx.flags.string("input");
    if (!input && ctx.io.stdin.isTTY)
      throw new StatusError("requested load from stdin, but stdin is empty", 1);
    if (input && !existsSync(input))
      throw new StatusError(`open ${input}: no such file or directory`, 1);
    const body = input ? createReadStream(input) : (ctx.io.stdin as Readable);
    const quiet = ctx.flags.bool("quiet");
    const platform = platformJson(ctx.flags.string("platform"));
    const stream = await ctx
      .client()
      .images.load(body, { quiet, ...(platform ? { platform } : {}) });
    // compat: the Docker CLI draws load's messages as pull's (bars on a terminal).
    await displayJsonMessages(stream, ctx.io.stdout);
  },
};
