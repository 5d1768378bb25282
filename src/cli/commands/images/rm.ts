/** `wharf rmi [-f] [--no-prune] IMAGE...`. */
import type { Command } from "../../command.ts";
import { forEachName } from "../each.ts";
import { platformJson } from "./platform-flag.ts";

/** Removes images, printing "Untagged: …" and "Deleted: …" lines as Docker does. */
export const rm: Command = {
  usage: "[OPTIONS] IMAGE [IMAGE...]",
  short: "Remove one or more images",
  flags: [
    {
      name: "force",
      short: "f",
      type: "bool",
      description: "Force removal of the image",
    },
    {
      name: "no-prune",
      type: "bool",
      description: "Do not delete untagged parents",
    },
    {
      name: "platform",
      type: "list",
      description: "Remove only the given platform variant",
    },
  ],
  args: { min: 1 },
  action: (ctx) => {
    const platforms = ctx.flags
      .list("platform")
      .flatMap((p) => p.split(","))
      .map((p) => platformJson(p) ?? "")
      .filter((p) => p !== "");
    return forEachName(ctx, ctx.args, async (name) => {
      const items = await ctx.client().images.remove(name, {
        force: ctx.flags.bool("force"),
        noprune: ctx.flags.bool("no-prune"),
        platforms,
      });
      return items
        .map((i) =>
          "Untagged" in i ? `Untagged: ${i.Untagged}` : `Deleted: ${i.Deleted}`,
        )
        .join("\n");
    });
  },
};
