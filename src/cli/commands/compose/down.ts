/** `compose down`: works from the files, or from -p alone (finding objects by labels). */
import { ComposeError } from "../../../compose/errors.ts";
import { down as composeDown } from "../../../compose/down.ts";
import { Progress } from "../../../compose/progress.ts";
import type { Project } from "../../../compose/model.ts";
import type { ComposeCommand, ComposeContext } from "./context.ts";

/** The loaded project, or (with -p and no compose file) an empty one of that name. */
export function projectOrName(ctx: ComposeContext): Project {
  try {
    return ctx.project();
  } catch (err) {
    const name =
      ctx.global.string("project-name") ?? ctx.env.COMPOSE_PROJECT_NAME;
    if (
      !(err instanceof ComposeError) ||
      !name ||
      !err.message.startsWith("no configuration file provided")
    )
      throw err;
    return {
      name,
      workingDir: ctx.cwd,
      configFiles: [],
      services: {},
      disabledServices: {},
      networks: {},
      volumes: {},
      secrets: {},
      configs: {},
      environment: {},
    };
  }
}

/** `compose down`. */
export const down: ComposeCommand = {
  usage: "[OPTIONS] [SERVICES]",
  short: "Stop and remove containers, networks",
  flags: [
    {
      name: "volumes",
      short: "v",
      type: "bool",
      description:
        'Remove named volumes declared in the "volumes" section of the Compose file and anonymous volumes attached to containers',
    },
    {
      name: "rmi",
      type: "string",
      description:
        'Remove images used by services. "local" remove only images that don\'t have a custom tag ("local"|"all")',
    },
    {
      name: "remove-orphans",
      type: "bool",
      description:
        "Remove containers for services not defined in the Compose file",
    },
    {
      name: "timeout",
      short: "t",
      type: "int",
      description: "Specify a shutdown timeout in seconds",
    },
  ],
  action: async (ctx) => {
    const rmi = ctx.flags.string("rmi");
    if (rmi !== undefined && rmi !== "all" && rmi !== "local")
      throw new ComposeError(`invalid value for --rmi: ${rmi}`);
    const project = projectOrName(ctx);
    const t = ctx.flags.changed("timeout")
      ? ctx.flags.int("timeout")
      : undefined;
    await composeDown(
      { client: ctx.client(), project, progress: new Progress(ctx.io.stderr) },
      {
        volumes: ctx.flags.bool("volumes"),
        removeOrphans: ctx.flags.bool("remove-orphans"),
        ...(rmi ? { rmi } : {}),
        ...(t !== undefined ? { timeout: t } : {}),
      },
    );
  },
};
