/** `wharf network rm [-f] NETWORK...` and `wharf network prune`. */
import { ClientError } from "../../../client/index.ts";
import type { Command } from "../../command.ts";
import { forEachName, pruneFilters, pruneFlags } from "../each.ts";

/** Removes networks, printing each name removed; exit 1 if any failed (missing ones are skipped with -f). */
export const rm: Command = {
  usage: "[OPTIONS] NETWORK [NETWORK...]",
  short: "Remove one or more networks",
  flags: [
    {
      name: "force",
      short: "f",
      type: "bool",
      description: "Do not error if the network does not exist",
    },
  ],
  args: { min: 1 },
  action: (ctx) =>
    forEachName(ctx, ctx.args, async (name) => {
      try {
        await ctx.client().networks.remove(name);
      } catch (err) {
        // compat: with -f a missing network is neither an error nor printed.
        if (
          ctx.flags.bool("force") &&
          err instanceof ClientError &&
          err.status === 404
        )
          return null;
        throw err;
      }
    }),
};

/** Removes networks no container uses after a prompt (skipped with -f); prints the names removed. */
export const prune: Command = {
  usage: "[OPTIONS]",
  short: "Remove all unused networks",
  flags: pruneFlags,
  args: { max: 0 },
  action: async (ctx) => {
    const filters = await pruneFilters(
      ctx,
      "WARNING! This will remove all custom networks not used by at least one container.",
    );
    if (!filters) return 0;
    const r = await ctx.client().networks.prune({ filters });
    if (r.NetworksDeleted?.length)
      ctx.io.stdout.write(
        `Deleted Networks:\n${r.NetworksDeleted.map((n) => `${n}\n`).join("")}`,
      );
  },
};
