/** `wharf tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]`. */
import type { Command } from "../../command.ts";
import { splitRef } from "./view.ts";

/** Adds a tag to an image; prints nothing. */
export const tag: Command = {
  usage: "SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]",
  short: "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE",
  flags: [],
  args: { min: 2, max: 2 },
  action: async (ctx) => {
    const [source = "", target = ""] = ctx.args;
    const { repo, tag: t } = splitRef(target);
    await ctx.client().images.tag(source, { repo, tag: t ?? "latest" });
  },
};
