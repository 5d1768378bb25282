/**
 * `compose attach|stats|commit|export`: the Docker CLI's container command
 * run on a service's container (#--index, or every container of the
 * selected services for stats), so streams, formats and exit codes are the
 * CLI's own.
 */
import type { ContainerSummary } from "../../../client/index.ts";
import { ComposeError } from "../../../compose/errors.ts";
import { nameOf, numberOf, projectContainers } from "../../../compose/state.ts";
import type { FlagSpec } from "../../flags.ts";
import { formatList } from "../../format/formatter.ts";
import { STATS_HEADERS, STATS_TABLE } from "../containers/stats-view.ts";
import { attach as containerAttach } from "../containers/attach.ts";
import { commit as containerCommit } from "../containers/commit.ts";
import { exportContainer } from "../containers/export.ts";
import { stats as containerStats } from "../containers/stats.ts";
import type { ComposeCommand, ComposeContext } from "./context.ts";
import { delegate } from "./delegate.ts";
import { projectOrName } from "./down.ts";

const INDEX: FlagSpec = {
  name: "index",
  type: "int",
  description: "index of the container if service has multiple replicas.",
  default: 1,
};

/** The service's container #--index; `running` restricts to running ones. Throws ComposeError as compose words it. */
export async function serviceContainer(
  ctx: ComposeContext,
  service: string,
  running: boolean,
): Promise<ContainerSummary> {
  const project = projectOrName(ctx);
  if (Object.keys(project.services).length && !project.services[service])
    throw new ComposeError(`no such service: ${service}`);
  const index = ctx.flags.int("index") ?? 1;
  const list = await projectContainers(ctx.client(), project.name, {
    services: [service],
    all: !running,
  });
  const c = list.find((x) => numberOf(x) === index);
  if (!c)
    throw new ComposeError(
      running
        ? `service "${service}" is not running`
        : `no container found for service "${service}"`,
    );
  return c;
}

/** Argv of the passed-through flags (only those given). */
function pass(ctx: ComposeContext, specs: FlagSpec[]): string[] {
  const out: string[] = [];
  for (const f of specs) {
    if (f.name === "index" || !ctx.flags.changed(f.name)) continue;
    if (f.type === "bool")
      out.push(`--${f.name}=${String(ctx.flags.bool(f.name))}`);
    else if (f.type === "list")
      for (const v of ctx.flags.list(f.name)) out.push(`--${f.name}`, v);
    else out.push(`--${f.name}`, String(ctx.flags.string(f.name) ?? ""));
  }
  return out;
}

/** `compose attach SERVICE`. */
export const attach: ComposeCommand = {
  usage: "[OPTIONS] SERVICE",
  short:
    "Attach local standard input, output, and error streams to a service's running container",
  args: { min: 1, max: 1 },
  flags: [...containerAttach.flags, INDEX],
  action: async (ctx) => {
    const c = await serviceContainer(ctx, ctx.args[0] ?? "", true);
    return delegate(
      ctx,
      containerAttach,
      [...pass(ctx, containerAttach.flags), c.Id],
      ctx.path,
    );
  },
};

/** `compose stats [SERVICE]`: the stats of the project's containers (running ones, all with -a). */
export const stats: ComposeCommand = {
  usage: "[OPTIONS] [SERVICE]",
  short: "Display a live stream of container(s) resource usage statistics",
  args: { max: 1 },
  flags: containerStats.flags,
  action: async (ctx) => {
    const project = projectOrName(ctx);
    const service = ctx.args[0];
    if (
      service &&
      Object.keys(project.services).length &&
      !project.services[service]
    )
      throw new ComposeError(`no such service: ${service}`);
    const list = await projectContainers(ctx.client(), project.name, {
      all: ctx.flags.bool("all"),
      ...(service ? { services: [service] } : {}),
    });
    const names = list.map(nameOf);
    if (!names.length) {
      // the CLI given no names would follow every container: print the empty table
      ctx.io.stdout.write(
        formatList(
          {
            format: ctx.flags.string("format"),
            defaultFormat: STATS_TABLE,
            headers: STATS_HEADERS,
          },
          [],
        ),
      );
      return 0;
    }
    return delegate(
      ctx,
      containerStats,
      [...pass(ctx, containerStats.flags), ...names],
      ctx.path,
    );
  },
};

/** `compose commit SERVICE [REPOSITORY[:TAG]]`. */
export const commit: ComposeCommand = {
  usage: "[OPTIONS] SERVICE [REPOSITORY[:TAG]]",
  short: "Create a new image from a service container's changes",
  args: { min: 1, max: 2 },
  flags: [...containerCommit.flags, INDEX],
  action: async (ctx) => {
    const [service = "", ref] = ctx.args;
    const c = await serviceContainer(ctx, service, false);
    return delegate(
      ctx,
      containerCommit,
      [...pass(ctx, containerCommit.flags), c.Id, ...(ref ? [ref] : [])],
      ctx.path,
    );
  },
};

/** `compose export SERVICE`. */
export const exportService: ComposeCommand = {
  usage: "[OPTIONS] SERVICE",
  short: "Export a service container's filesystem as a tar archive",
  args: { min: 1, max: 1 },
  flags: [...exportContainer.flags, INDEX],
  action: async (ctx) => {
    const c = await serviceContainer(ctx, ctx.args[0] ?? "", false);
    return delegate(
      ctx,
      exportContainer,
      [...pass(ctx, exportContainer.flags), c.Id],
      ctx.path,
    );
  },
};
