/** `wharf kill [-s SIG] CONTAINER...`. */
import type { Command } from "../../command.ts";
import { forEachName } from "../each.ts";

/** Sends a signal (the daemon's default is KILL) to each container. */
export const kill: Command = {
  usage: "[OPTIONS] CONTAINER [CONTAINER...]",
  short: "Kill one or more running containers",
  flags: [
    {
      name: "signal",
      short: "s",
      type: "string",
      description: "Signal to send to the container",
    },
  ],
  args: { min: 1 },
  action: (ctx) => {
    const signal = ctx.flags.string("signal");
    return forEachName(ctx, ctx.args, (n) =>
      ctx.client().containers.kill(n, signal ? { signal } : {}),
    );
  },
};
