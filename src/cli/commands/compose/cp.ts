/** `compose cp`: docker cp with SERVICE:PATH naming the service's container #index. */
import { ComposeError } from "../../../compose/errors.ts";
import { nameOf, numberOf, projectContainers } from "../../../compose/state.ts";
import { CP_FLAGS, cp as containerCp } from "../containers/cp.ts";
import type { ComposeCommand, ComposeContext } from "./context.ts";
import { delegate } from "./delegate.ts";
import { projectOrName } from "./down.ts";

async function resolveArg(ctx: ComposeContext, arg: string): Promise<string> {
  const m = /^([^./:][^:]*):(.*)$/.exec(arg);
  if (!m) return arg;
  const index = ctx.flags.int("index") ?? 1;
  const c = (
    await projectContainers(ctx.client(), projectOrName(ctx).name, {
      services: [m[1] ?? ""],
    })
  ).find((x) => numberOf(x) === index);
  if (!c)
    throw new ComposeError(
      `service "${m[1] ?? ""}" has no container #${index}`,
    );
  return `${nameOf(c)}:${m[2] ?? ""}`;
}

/** `compose cp`. */
export const cp: ComposeCommand = {
  usage:
    "[OPTIONS] SERVICE:SRC_PATH DEST_PATH|-\n\tdocker compose cp [OPTIONS] SRC_PATH|- SERVICE:DEST_PATH",
  short:
    "Copy files/folders between a service container and the local filesystem",
  flags: [
    {
      name: "index",
      type: "int",
      description: "Index of the container if service has multiple replicas",
      default: 1,
    },
    ...CP_FLAGS,
  ],
  args: { min: 2, max: 2 },
  action: async (ctx) => {
    const [a = "", b = ""] = ctx.args;
    const argv = [
      ...(ctx.flags.bool("archive") ? ["-a"] : []),
      ...(ctx.flags.bool("follow-link") ? ["-L"] : []),
      await resolveArg(ctx, a),
      await resolveArg(ctx, b),
    ];
    return delegate(ctx, containerCp, argv, ctx.path);
  },
};
