/**
 * What every `compose` subcommand gets: the global compose flags (-f, -p,
 * --project-directory, --profile, --env-file) turned into a loaded project
 * and an apply context, plus the subcommand's own parsed flags.
 */
import { loadProject } from "../../../compose/load/project.ts";
import type { Project } from "../../../compose/model.ts";
import { Progress } from "../../../compose/progress.ts";
import type { ApplyContext } from "../../../compose/resources.ts";
import type { CommandContext } from "../../command.ts";
import type { FlagSpec, ParsedFlags } from "../../flags.ts";

/** A compose subcommand: flags as data plus an action. */
export type ComposeCommand = {
  usage: string;
  short: string;
  flags: FlagSpec[];
  args?: { min?: number; max?: number };
  /** False when arguments after the first carry their own flags (exec, run). */
  interspersed?: boolean;
  action(ctx: ComposeContext): Promise<number | void>;
};

/** The context of one compose subcommand run. */
export type ComposeContext = Omit<CommandContext, "flags"> & {
  flags: ParsedFlags;
  /** The global compose flags. */
  global: ParsedFlags;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Loads the project (once). Throws ComposeError. */
  project(): Project;
  /** The project name without loading files when -p or COMPOSE_PROJECT_NAME give it (down, ps, logs work without a file). */
  projectName(): string;
  /** The apply context (client, project, progress on stderr). */
  apply(options?: { quiet?: boolean }): ApplyContext;
};

/** The services a command line names, read from the command's usage: all arguments for `[SERVICE...]`, the first for `SERVICE COMMAND`. */
export function namedServices(usage: string, args: string[]): string[] {
  if (
    /\[?SERVICES?(\.\.\.)?\]?( \[SERVICE\.\.\.\])?( \[OPTIONS\])?$/.test(usage)
  )
    return args;
  if (/^(\[OPTIONS\] )?SERVICE /.test(usage)) return args.slice(0, 1);
  return [];
}

/** Builds a ComposeContext. */
export function composeContext(
  base: CommandContext,
  options: {
    global: ParsedFlags;
    flags: ParsedFlags;
    args: string[];
    env: Record<string, string | undefined>;
    cwd: string;
    /** Config overrides: interpolation off (`config --no-interpolate`). */
    interpolate?: boolean;
  },
  usage = "",
): ComposeContext {
  let project: Project | undefined;
  const g = options.global;
  const load = (): Project =>
    (project ??= loadProject({
      files: g.list("file"),
      ...(g.string("project-name")
        ? { projectName: g.string("project-name") as string }
        : {}),
      ...(g.string("project-directory")
        ? { projectDirectory: g.string("project-directory") as string }
        : {}),
      profiles: g.list("profile"),
      envFiles: g.list("env-file"),
      cwd: options.cwd,
      env: options.env,
      warn: (m) => void base.io.stderr.write(`WARN[0000] ${m}\n`),
      enable: namedServices(usage, options.args),
      ...(options.interpolate === false ? { interpolate: false } : {}),
    }));
  return {
    ...base,
    args: options.args,
    flags: options.flags,
    global: g,
    env: options.env,
    cwd: options.cwd,
    project: load,
    projectName: () => g.string("project-name") ?? load().name,
    apply: (o = {}): ApplyContext => ({
      client: base.client(),
      project: load(),
      progress: new Progress(o.quiet ? undefined : base.io.stderr),
    }),
  };
}
