/** `compose wait`: blocks until the services' containers stop; exits with the first one's code. */
import { projectContainers } from "../../../compose/state.ts";
import type { ComposeCommand } from "./context.ts";
import { projectOrName } from "./down.ts";

/** `compose wait`. */
export const wait: ComposeCommand = {
  usage: "SERVICE [SERVICE...] [OPTIONS]",
  short: "Block until containers of all (or specified) services stop.",
  flags: [
    {
      name: "down-project",
      type: "bool",
      description: "Drops project when the first container stops",
    },
  ],
  args: { min: 1 },
  action: async (ctx) => {
    if (ctx.flags.bool("down-project"))
      throw new Error("--down-project is not supported yet");
    const client = ctx.client();
    const list = await projectContainers(client, projectOrName(ctx).name, {
      services: ctx.args,
    });
    const codes = await Promise.all(
      list.map((c) => client.containers.wait(c.Id).then((r) => r.StatusCode)),
    );
    return codes[0] ?? 0;
  },
};
