/** `wharf top CONTAINER [ps OPTIONS]`. */
import type { Command } from "../../command.ts";
import { alignTabs } from "../../format/table.ts";

/** Prints the container's processes; extra arguments go to ps. */
export const top: Command = {
  usage: "CONTAINER [ps OPTIONS]",
  short: "Display the running processes of a container",
  flags: [],
  args: { min: 1 },
  interspersed: false,
  action: async (ctx) => {
    const [name = "", ...psArgs] = ctx.args;
    const r = await ctx
      .client()
      .containers.top(name, psArgs.length ? { psArgs: psArgs.join(" ") } : {});
    const text =
      [r.Titles, ...r.Processes].map((row) => row.join("\t")).join("\n") + "\n";
    // compat: Docker's top uses a tabwriter with minimum width 20.
    ctx.io.stdout.write(alignTabs(text, { minWidth: 20, padding: 3 }));
  },
};
