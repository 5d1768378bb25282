/** `wharf import [OPTIONS] file|URL|- [REPOSITORY[:TAG]]`. */
import { createReadStream, existsSync } from "node:fs";
import type { Readable } from "node:stream";
import { progressMessages } from "../../../client/index.ts";
import { StatusError, type Command } from "../../command.ts";
import { CHANGE_FLAG } from "../each.ts";
import { splitRef } from "./view.ts";

/** Imports a root filesystem tar from a file, stdin or a URL; prints the new image id. */
export const importImage: Command = {
  usage: "[OPTIONS] file|URL|- [REPOSITORY[:TAG]]",
  short: "Import the contents from a tarball to create a filesystem image",
  flags: [
    CHANGE_FLAG,
    {
      name: "message",
      short: "m",
      type: "string",
      description: "Set commit message for imported image",
    },
    {
      name: "platform",
      type: "string",
      description: "Set platform if server is multi-platform capable",
    },
  ],
  args: { min: 1, max: 2 },
  action: async (ctx) => {
    const [source = "", ref] = ctx.args;
    let body: Readable | undefined;
    let fromSrc = source;
    if (source === "-") {
      body = ctx.io.stdin as Readable;
    } else if (!/^https?:\/\//.test(source)) {
      if (!existsSync(source))
        throw new StatusError(`open ${source}: no such file or directory`, 1);
      body = createReadStream(source);
      fromSrc = "-";
    }
    const target = ref ? splitRef(ref) : undefined;
    const message = ctx.flags.string("message");
    const platform = ctx.flags.string("platform");
    const stream = await ctx.client().images.import(body, {
      fromSrc,
      ...(target
        ? { repo: target.repo, ...(target.tag ? { tag: target.tag } : {}) }
        : {}),
      ...(message ? { message } : {}),
      ...(platform ? { platform } : {}),
      changes: ctx.flags.list("change"),
    });
    for await (const msg of progressMessages(stream)) {
      if (msg.status && !msg.progress) ctx.io.stdout.write(`${msg.status}\n`);
      else if (msg.stream) ctx.io.stdout.write(msg.stream);
    }
  },
};
