/** `compose top`: each service container's processes. */
import { nameOf, projectContainers } from "../../../compose/state.ts";
import { alignTabs } from "../../format/table.ts";
import type { ComposeCommand } from "./context.ts";
import { projectOrName } from "./down.ts";

/** `compose top`. */
export const top: ComposeCommand = {
  usage: "[SERVICES...]",
  short: "Display the running processes",
  flags: [],
  action: async (ctx) => {
    const client = ctx.client();
    const list = (
      await projectContainers(client, projectOrName(ctx).name, {
        services: ctx.args,
      })
    ).filter((c) => c.State === "running");
    for (const c of list) {
      const t = await client.containers.top(c.Id);
      ctx.io.stdout.write(
        `${nameOf(c)}\n${alignTabs(`${[t.Titles, ...t.Processes].map((r) => r.join("\t")).join("\n")}\n`, { minWidth: 0, padding: 3 })}\n`,
      );
    }
  },
};
