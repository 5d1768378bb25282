/** `wharf commit [OPTIONS] CONTAINER [REPOSITORY[:TAG]]`. */
import { CHANGE_FLAG } from "../each.ts";
import type { Command } from "../../command.ts";
import { splitRef } from "../images/view.ts";

/** Makes an image from a container's changes; prints the new image id. */
export const commit: Command = {
  usage: "[OPTIONS] CONTAINER [REPOSITORY[:TAG]]",
  short: "Create a new image from a container's changes",
  flags: [
    {
      name: "author",
      short: "a",
      type: "string",
      description: 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")',
    },
    CHANGE_FLAG,
    {
      name: "message",
      short: "m",
      type: "string",
      description: "Commit message",
    },
    {
      name: "pause",
      short: "p",
      type: "bool",
      default: true,
      description: "Pause container during commit",
    },
  ],
  args: { min: 1, max: 2 },
  action: async (ctx) => {
    const [container = "", ref] = ctx.args;
    const target = ref ? splitRef(ref) : undefined;
    const author = ctx.flags.string("author");
    const message = ctx.flags.string("message");
    const { Id } = await ctx.client().archive.commit(container, {
      ...(target
        ? { repo: target.repo, ...(target.tag ? { tag: target.tag } : {}) }
        : {}),
      ...(author ? { author } : {}),
      ...(message ? { comment: message } : {}),
      pause: ctx.flags.bool("pause"),
      changes: ctx.flags.list("change"),
    });
    ctx.io.stdout.write(`${Id}\n`);
  },
};
