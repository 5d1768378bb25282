/** stop and restart. */
import type { Command, CommandContext } from "../../command.ts";
import type { FlagSpec } from "../../flags.ts";
import { forEachName } from "../each.ts";

const FLAGS: FlagSpec[] = [
  {
    name: "signal",
    short: "s",
    type: "string",
    description: "Signal to send to the container",
  },
  {
    name: "timeout",
    short: "t",
    type: "int",
    description: "Seconds to wait before killing the container",
  },
  {
    name: "time",
    type: "int",
    description:
      "Seconds to wait before killing the container (deprecated: use --timeout)",
    hidden: true,
  },
];

function options(ctx: CommandContext): { timeout?: number; signal?: string } {
  const timeout = ctx.flags.changed("timeout")
    ? ctx.flags.int("timeout")
    : ctx.flags.int("time");
  const signal = ctx.flags.string("signal");
  return {
    ...(timeout !== undefined ? { timeout } : {}),
    ...(signal ? { signal } : {}),
  };
}

/** `wharf stop [-t N] [-s SIG] CONTAINER...`. */
export const stop: Command = {
  usage: "[OPTIONS] CONTAINER [CONTAINER...]",
  short: "Stop one or more running containers",
  flags: FLAGS,
  args: { min: 1 },
  action: (ctx) =>
    forEachName(ctx, ctx.args, (n) =>
      ctx.client().containers.stop(n, options(ctx)),
    ),
};

/** `wharf restart [-t N] [-s SIG] CONTAINER...`. */
export const restart: Command = {
  usage: "[OPTIONS] CONTAINER [CONTAINER...]",
  short: "Restart one or more containers",
  flags: FLAGS,
  args: { min: 1 },
  action: (ctx) =>
    forEachName(ctx, ctx.args, (n) =>
      ctx.client().containers.restart(n, options(ctx)),
    ),
};
