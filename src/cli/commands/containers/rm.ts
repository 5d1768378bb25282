/** `wharf rm [-f] [-v] CONTAINER...`. */
import { ClientError } from "../../../client/index.ts";
import type { Command } from "../../command.ts";
import { describeError, forEachName } from "../each.ts";

/** Removes each container; with -f a missing container is not an error (Docker 23+). */
export const rm: Command = {
  usage: "[OPTIONS] CONTAINER [CONTAINER...]",
  short: "Remove one or more containers",
  flags: [
    {
      name: "force",
      short: "f",
      type: "bool",
      description: "Force the removal of a running container (uses SIGKILL)",
    },
    {
      name: "link",
      short: "l",
      type: "bool",
      description: "Remove the specified link",
    },
    {
      name: "volumes",
      short: "v",
      type: "bool",
      description: "Remove anonymous volumes associated with the container",
    },
  ],
  args: { min: 1 },
  action: (ctx) => {
    const force = ctx.flags.bool("force");
    return forEachName(ctx, ctx.args, async (n) => {
      try {
        await ctx.client().containers.remove(n, {
          force,
          volumes: ctx.flags.bool("volumes"),
          link: ctx.flags.bool("link"),
        });
      } catch (err) {
        // compat: `docker rm -f` reports a missing container on stderr but still exits 0.
        if (!(force && err instanceof ClientError && err.status === 404))
          throw err;
        ctx.io.stderr.write(`${describeError(err)}\n`);
        return null;
      }
    });
  },
};
