/** pause, unpause and wait: one API call per container. */
import type { Command } from "../../command.ts";
import { forEachName } from "../each.ts";

/** `wharf pause CONTAINER...`. */
export const pause: Command = {
  usage: "[OPTIONS] CONTAINER [CONTAINER...]",
  short: "Pause all processes within one or more containers",
  flags: [],
  args: { min: 1 },
  action: (ctx) =>
    forEachName(ctx, ctx.args, (n) => ctx.client().containers.pause(n)),
};

/** `wharf unpause CONTAINER...`. */
export const unpause: Command = {
  usage: "[OPTIONS] CONTAINER [CONTAINER...]",
  short: "Unpause all processes within one or more containers",
  flags: [],
  args: { min: 1 },
  action: (ctx) =>
    forEachName(ctx, ctx.args, (n) => ctx.client().containers.unpause(n)),
};

/** `wharf wait CONTAINER...`: prints each exit code; exits 0 unless a wait failed. */
export const wait: Command = {
  usage: "CONTAINER [CONTAINER...]",
  short: "Block until one or more containers stop, then print their exit codes",
  flags: [],
  args: { min: 1 },
  action: (ctx) =>
    forEachName(ctx, ctx.args, async (n) => {
      const r = await ctx.client().containers.wait(n);
      if (r.Error?.Message) throw new Error(r.Error.Message);
      return String(r.StatusCode);
    }),
};
