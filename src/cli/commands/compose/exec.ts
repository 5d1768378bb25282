/** `compose exec SERVICE COMMAND`: docker exec on the service's container #index. */
import { ComposeError } from "../../../compose/errors.ts";
import { nameOf, numberOf, projectContainers } from "../../../compose/state.ts";
import { exec as containerExec } from "../containers/exec.ts";
import type { ComposeCommand } from "./context.ts";
import { delegate } from "./delegate.ts";
import { projectOrName } from "./down.ts";

/** `compose exec`. */
export const exec: ComposeCommand = {
  usage: "[OPTIONS] SERVICE COMMAND [ARGS...]",
  short: "Execute a command in a running container",
  interspersed: false,
  args: { min: 2 },
  flags: [
    {
      name: "detach",
      short: "d",
      type: "bool",
      description: "Detached mode: Run command in the background",
    },
    {
      name: "env",
      short: "e",
      type: "list",
      description: "Set environment variables",
    },
    {
      name: "index",
      type: "int",
      description: "Index of the container if service has multiple replicas",
      default: 1,
    },
    {
      name: "no-TTY",
      short: "T",
      type: "bool",
      description:
        "Disable pseudo-TTY allocation. By default `docker compose exec` allocates a TTY.",
    },
    {
      name: "privileged",
      type: "bool",
      description: "Give extended privileges to the process",
    },
    {
      name: "user",
      short: "u",
      type: "string",
      description: "Run the command as this user",
    },
    {
      name: "workdir",
      short: "w",
      type: "string",
      description: "Path to workdir directory for this command",
    },
  ],
  action: async (ctx) => {
    const [service = "", ...cmd] = ctx.args;
    const fl = ctx.flags;
    const index = fl.int("index") ?? 1;
    const c = (
      await projectContainers(ctx.client(), projectOrName(ctx).name, {
        services: [service],
        all: false,
      })
    ).find((x) => numberOf(x) === index);
    if (!c) throw new ComposeError(`service "${service}" is not running`);
    // compat: compose allocates a TTY only when its output is a terminal (and not -T)
    const tty =
      !fl.bool("no-TTY") &&
      Boolean(ctx.io.stdout.isTTY) &&
      Boolean(ctx.io.stdin.isTTY);
    const argv = [
      ...(fl.bool("detach") ? ["-d"] : ["-i"]),
      ...(tty ? ["-t"] : []),
      ...fl.list("env").flatMap((e) => ["-e", e]),
      ...(fl.bool("privileged") ? ["--privileged"] : []),
      ...(fl.string("user") ? ["-u", fl.string("user") ?? ""] : []),
      ...(fl.string("workdir") ? ["-w", fl.string("workdir") ?? ""] : []),
      nameOf(c),
      ...cmd,
    ];
    return delegate(ctx, containerExec, argv, `${ctx.path}`);
  },
};
