/**
 * `wharf compose [OPTIONS] COMMAND`: the global compose flags, then a
 * subcommand from SUBCOMMANDS (loaded lazily). Also what the Docker CLI runs
 * as its `compose` plugin (see scripts/setup.sh).
 */
import { ComposeError } from "../../../compose/errors.ts";
import {
  StatusError,
  type Command,
  type CommandContext,
} from "../../command.ts";
import {
  FlagError,
  flagUsages,
  parseFlags,
  type FlagSpec,
} from "../../flags.ts";
import { composeContext, type ComposeCommand } from "./context.ts";
import { SUBCOMMANDS } from "./table.ts";

/** The global flags of `compose`. */
export const COMPOSE_FLAGS: FlagSpec[] = [
  {
    name: "file",
    short: "f",
    type: "list",
    valueName: "stringArray",
    description: "Compose configuration files",
  },
  {
    name: "project-name",
    short: "p",
    type: "string",
    description: "Project name",
  },
  {
    name: "project-directory",
    type: "string",
    description:
      "Specify an alternate working directory\n(default: the path of the, first specified, Compose file)",
  },
  {
    name: "profile",
    type: "list",
    valueName: "stringArray",
    description: "Specify a profile to enable",
  },
  {
    name: "env-file",
    type: "list",
    valueName: "stringArray",
    description: "Specify an alternate environment file",
  },
  {
    name: "ansi",
    type: "string",
    description:
      'Control when to print ANSI control characters ("never"|"always"|"auto")',
    default: "auto",
  },
  {
    name: "progress",
    type: "string",
    description: "Set type of progress output (auto, tty, plain, json, quiet)",
  },
  {
    name: "parallel",
    type: "int",
    description: "Control max parallelism, -1 for unlimited",
    default: -1,
  },
  {
    name: "compatibility",
    type: "bool",
    description: "Run compose in backward compatibility mode",
  },
  {
    name: "dry-run",
    type: "bool",
    description: "Execute command in dry run mode",
  },
  {
    name: "all-resources",
    type: "bool",
    description: "Include all resources, even those not used by services",
  },
  { name: "help", type: "bool", description: "Print usage" },
];

function usage(path: string): string {
  const rows = Object.entries(SUBCOMMANDS).map(
    ([n, e]) => `  ${n.padEnd(10)}  ${e.short}`,
  );
  return `\nUsage:  ${path} [OPTIONS] COMMAND\n\nDefine and run multi-container applications with Docker\n\nOptions:\n${flagUsages(COMPOSE_FLAGS)}\n\nCommands:\n${rows.join("\n")}\n\nRun '${path} COMMAND --help' for more information on a command.\n`;
}

/** Runs one subcommand with its flags; errors in compose files exit 1 with their message. */
async function dispatch(ctx: CommandContext): Promise<number | void> {
  // cli/main.ts has parsed the global compose flags (declared on the command)
  const global = { flags: ctx.flags, args: ctx.args };
  if (global.flags.bool("dry-run"))
    throw new StatusError("--dry-run is not supported yet", 1);
  const [name, ...rest] = global.args;
  if (!name || global.flags.bool("help")) {
    ctx.io.stdout.write(usage(ctx.path));
    return 0;
  }
  const entry = SUBCOMMANDS[name];
  if (!entry)
    throw new StatusError(`unknown docker command: "compose ${name}"`, 1);
  const cmd: ComposeCommand = await entry.load();
  const path = `${ctx.path} ${name}`;
  const specs = [
    ...cmd.flags,
    { name: "help", type: "bool", description: "Print usage" } as FlagSpec,
  ];
  let parsed;
  try {
    parsed = parseFlags(
      specs,
      rest,
      cmd.interspersed === false ? { interspersed: false } : {},
    );
  } catch (err) {
    if (err instanceof FlagError)
      throw new StatusError(
        `${err.message}\n\nUsage:  ${path} ${cmd.usage}\n\nRun '${path} --help' for more information`,
        1,
      );
    throw err;
  }
  if (parsed.flags.bool("help")) {
    const flags = flagUsages(cmd.flags);
    ctx.io.stdout.write(
      `\nUsage:  ${path} ${cmd.usage}\n\n${cmd.short}\n${flags ? `\nOptions:\n${flags}\n` : ""}`,
    );
    return 0;
  }
  const { min = 0, max = Infinity } = cmd.args ?? {};
  if (parsed.args.length < min || parsed.args.length > max)
    throw new StatusError(
      `"${path}" requires ${min === max ? "exactly" : parsed.args.length < min ? "at least" : "at most"} ${parsed.args.length < min ? min : max} argument${(parsed.args.length < min ? min : max) === 1 ? "" : "s"}.\nSee '${path} --help'.\n\nUsage:  ${path} ${cmd.usage}\n\n${cmd.short}`,
      1,
    );
  try {
    return await cmd.action(
      composeContext(
        ctx,
        {
          global: global.flags,
          flags: parsed.flags,
          args: parsed.args,
          env: process.env,
          cwd: process.cwd(),
          ...(name === "config" && parsed.flags.bool("no-interpolate")
            ? { interpolate: false }
            : {}),
        },
        cmd.usage,
      ),
    );
  } catch (err) {
    // compose prints its own errors without the daemon prefix when they are the user's
    if (err instanceof ComposeError) throw new StatusError(err.message, 1);
    throw err;
  }
}

/** The `compose` command. */
export const compose: Command = {
  usage: "[OPTIONS] COMMAND",
  short: "Docker Compose",
  flags: COMPOSE_FLAGS,
  interspersed: false,
  action: dispatch,
};
