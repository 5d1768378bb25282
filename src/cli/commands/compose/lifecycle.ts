/** `compose start|stop|restart|kill|pause|unpause|rm`: one verb over the selected services' containers. */
import type { ContainerSummary } from "../../../client/index.ts";
import { restartDependents } from "../../../compose/dependents.ts";
import { ComposeError } from "../../../compose/errors.ts";
import { runHooks } from "../../../compose/hooks.ts";
import type { Service } from "../../../compose/model.ts";
import { inDependencyOrder } from "../../../compose/order.ts";
import { Progress } from "../../../compose/progress.ts";
import {
  nameOf,
  projectContainers,
  serviceOf,
} from "../../../compose/state.ts";
import type { ComposeCommand, ComposeContext } from "./context.ts";
import { projectOrName } from "./down.ts";

type Verb = {
  states: [string, string];
  /** Which containers the verb applies to. */
  applies: (c: ContainerSummary) => boolean;
  run: (ctx: ComposeContext, c: ContainerSummary) => Promise<void>;
  /** Dependency order: start forward, stop reversed, others unordered. */
  order?: "forward" | "reverse";
};

async function each(ctx: ComposeContext, verb: Verb): Promise<string[]> {
  const project = projectOrName(ctx);
  for (const s of ctx.args)
    if (Object.keys(project.services).length && !project.services[s])
      throw new ComposeError(`no such service: ${s}`);
  const list = (
    await projectContainers(ctx.client(), project.name, { services: ctx.args })
  ).filter(verb.applies);
  const progress = new Progress(ctx.io.stderr);
  const services = [...new Set(list.map(serviceOf))];
  await inDependencyOrder(
    services,
    (s) =>
      verb.order ? Object.keys(project.services[s]?.depends_on ?? {}) : [],
    async (s) => {
      await Promise.all(
        list
          .filter((c) => serviceOf(c) === s)
          .map((c) =>
            progress.step("Container", nameOf(c), verb.states, () =>
              verb.run(ctx, c),
            ),
          ),
      );
    },
    { reverse: verb.order === "reverse" },
  );
  return services;
}

/** The service definition of a container, when the project's files are loaded. */
function serviceDef(
  ctx: ComposeContext,
  c: ContainerSummary,
): Service | undefined {
  return projectOrName(ctx).services[serviceOf(c)];
}

const timeoutFlag = {
  name: "timeout",
  short: "t",
  type: "int" as const,
  description: "Specify a shutdown timeout in seconds",
};
const timeout = (ctx: ComposeContext) =>
  ctx.flags.changed("timeout")
    ? { timeout: ctx.flags.int("timeout") as number }
    : {};
const live = (c: ContainerSummary): boolean =>
  c.State === "running" || c.State === "paused" || c.State === "restarting";

function command(
  short: string,
  verb: Verb,
  flags: ComposeCommand["flags"] = [],
): ComposeCommand {
  return {
    usage: "[OPTIONS] [SERVICE...]",
    short,
    flags,
    action: async (ctx) => void (await each(ctx, verb)),
  };
}

/** `compose start`. */
export const start = command("Start services", {
  states: ["Starting", "Started"],
  applies: (c) => c.State !== "running",
  run: async (ctx, c) => {
    await ctx.client().containers.start(c.Id);
    await runHooks(ctx.client(), serviceDef(ctx, c), "post_start", c.Id);
  },
  order: "forward",
});

/** `compose stop`. */
export const stop = command(
  "Stop services",
  {
    states: ["Stopping", "Stopped"],
    applies: live,
    run: async (ctx, c) => {
      if (c.State === "running")
        await runHooks(ctx.client(), serviceDef(ctx, c), "pre_stop", c.Id);
      await ctx.client().containers.stop(c.Id, timeout(ctx));
    },
    order: "reverse",
  },
  [timeoutFlag],
);

/** `compose restart`: then (unless --no-deps) the services declaring `depends_on.restart: true` on them. */
export const restart: ComposeCommand = {
  ...command("Restart service containers", {
    states: ["Restarting", "Started"],
    applies: () => true,
    run: (ctx, c) => ctx.client().containers.restart(c.Id, timeout(ctx)),
    order: "forward",
  }),
  flags: [
    timeoutFlag,
    {
      name: "no-deps",
      type: "bool",
      description: "Don't restart dependent services",
    },
  ],
  action: async (ctx) => {
    const done = await each(ctx, {
      states: ["Restarting", "Started"],
      applies: () => true,
      run: (c2, c) => c2.client().containers.restart(c.Id, timeout(c2)),
      order: "forward",
    });
    if (ctx.flags.bool("no-deps") || !ctx.args.length) return;
    const apply = ctx.apply();
    await restartDependents(
      apply,
      new Set(done),
      ctx.flags.changed("timeout") ? ctx.flags.int("timeout") : undefined,
    );
  },
};

/** `compose kill`. */
export const kill = command(
  "Force stop service containers",
  {
    states: ["Killing", "Killed"],
    applies: (c) => c.State === "running",
    run: (ctx, c) =>
      ctx.client().containers.kill(c.Id, {
        signal: ctx.flags.string("signal") ?? "SIGKILL",
      }),
  },
  [
    {
      name: "signal",
      short: "s",
      type: "string",
      description: "SIGNAL to send to the container",
      default: "SIGKILL",
    },
    {
      name: "remove-orphans",
      type: "bool",
      description:
        "Remove containers for services not defined in the Compose file",
    },
  ],
);

/** `compose pause`. */
export const pause = command("Pause services", {
  states: ["Pausing", "Paused"],
  applies: (c) => c.State === "running",
  run: (ctx, c) => ctx.client().containers.pause(c.Id),
});

/** `compose unpause`. */
export const unpause = command("Unpause services", {
  states: ["Unpausing", "Unpaused"],
  applies: (c) => c.State === "paused",
  run: (ctx, c) => ctx.client().containers.unpause(c.Id),
});

/** `compose rm`: stopped containers (running ones too with --stop). */
export const rm: ComposeCommand = {
  usage: "[OPTIONS] [SERVICE...]",
  short: "Removes stopped service containers",
  flags: [
    {
      name: "force",
      short: "f",
      type: "bool",
      description: "Don't ask to confirm removal",
    },
    {
      name: "stop",
      short: "s",
      type: "bool",
      description: "Stop the containers, if required, before removing",
    },
    {
      name: "volumes",
      short: "v",
      type: "bool",
      description: "Remove any anonymous volumes attached to containers",
    },
  ],
  action: async (ctx) => {
    if (ctx.flags.bool("stop"))
      await each(ctx, {
        states: ["Stopping", "Stopped"],
        applies: live,
        run: (c2, c) => c2.client().containers.stop(c.Id),
        order: "reverse",
      });
    const project = projectOrName(ctx);
    const list = (
      await projectContainers(ctx.client(), project.name, {
        services: ctx.args,
      })
    ).filter((c) => !live(c));
    if (!list.length) {
      ctx.io.stderr.write("No stopped containers\n");
      return;
    }
    if (!ctx.flags.bool("force"))
      ctx.io.stdout.write(`Going to remove ${list.map(nameOf).join(", ")}\n`);
    const progress = new Progress(ctx.io.stderr);
    await Promise.all(
      list.map((c) =>
        progress.step("Container", nameOf(c), ["Removing", "Removed"], () =>
          ctx
            .client()
            .containers.remove(c.Id, { volumes: ctx.flags.bool("volumes") }),
        ),
      ),
    );
  },
};
