/** `compose up`, `compose create` and `compose scale`. */
import { ComposeError } from "../../../compose/errors.ts";
import { LABEL } from "../../../compose/labels.ts";
import { projectContainers } from "../../../compose/state.ts";
import { up as composeUp, type UpOptions } from "../../../compose/up.ts";
import type { FlagSpec, ParsedFlags } from "../../flags.ts";
import type { ComposeCommand, ComposeContext } from "./context.ts";
import { printLogs } from "./log-printer.ts";

const f = (
  name: string,
  type: FlagSpec["type"],
  description: string,
  extra: Partial<FlagSpec> = {},
): FlagSpec => ({ name, type, description, ...extra });

const CREATE_FLAGS: FlagSpec[] = [
  f("build", "bool", "Build images before starting containers"),
  f("no-build", "bool", "Don't build an image, even if it's policy"),
  f(
    "pull",
    "string",
    'Pull image before running ("always"|"missing"|"never"|"build")',
    { default: "policy" },
  ),
  f(
    "force-recreate",
    "bool",
    "Recreate containers even if their configuration and image haven't changed",
  ),
  f(
    "no-recreate",
    "bool",
    "If containers already exist, don't recreate them. Incompatible with --force-recreate.",
  ),
  f(
    "remove-orphans",
    "bool",
    "Remove containers for services not defined in the Compose file",
  ),
  f(
    "scale",
    "list",
    "Scale SERVICE to NUM instances. Overrides the `scale` setting in the Compose file if present.",
    { valueName: "scale" },
  ),
  f("quiet-pull", "bool", "Pull without printing progress information"),
  f(
    "yes",
    "bool",
    'Assume "yes" as answer to all prompts and run non-interactively',
    { short: "y" },
  ),
];

/** Parses --scale svc=N flags. Throws ComposeError when malformed. */
export function scaleFlags(list: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of list) {
    const m = /^([^=]+)=(\d+)$/.exec(s);
    if (!m) throw new ComposeError(`invalid scale: ${s}`);
    out[m[1] ?? ""] = Number(m[2]);
  }
  return out;
}

function upOptions(ctx: ComposeContext, flags: ParsedFlags): UpOptions {
  if (flags.bool("force-recreate") && flags.bool("no-recreate"))
    throw new ComposeError(
      "--force-recreate and --no-recreate are incompatible",
    );
  if (flags.bool("build") && flags.bool("no-build"))
    throw new ComposeError("--build and --no-build are incompatible");
  const pull = flags.string("pull") ?? "policy";
  if (!["always", "missing", "never", "build", "policy"].includes(pull))
    throw new ComposeError(`invalid --pull option "${pull}"`);
  const t = flags.changed("timeout") ? flags.int("timeout") : undefined;
  return {
    services: ctx.args,
    build: flags.bool("build"),
    noBuild: flags.bool("no-build"),
    pull: pull as UpOptions["pull"] & string,
    forceRecreate: flags.bool("force-recreate"),
    noRecreate: flags.bool("no-recreate"),
    removeOrphans: flags.bool("remove-orphans"),
    scale: scaleFlags(flags.list("scale")),
    ...(flags.changed("no-deps") ? { noDeps: flags.bool("no-deps") } : {}),
    ...(t !== undefined ? { timeout: t } : {}),
  };
}

/** `compose up`. */
export const up: ComposeCommand = {
  usage: "[OPTIONS] [SERVICE...]",
  short: "Create and start containers",
  flags: [
    ...CREATE_FLAGS,
    f("detach", "bool", "Detached mode: Run containers in the background", {
      short: "d",
    }),
    f("no-start", "bool", "Don't start the services after creating them"),
    f("no-deps", "bool", "Don't start linked services"),
    f(
      "renew-anon-volumes",
      "bool",
      "Recreate anonymous volumes instead of retrieving data from the previous containers",
      { short: "V" },
    ),
    f(
      "wait",
      "bool",
      "Wait for services to be running|healthy. Implies detached mode.",
    ),
    f(
      "wait-timeout",
      "int",
      "Maximum duration in seconds to wait for the project to be running|healthy",
    ),
    f(
      "abort-on-container-exit",
      "bool",
      "Stops all containers if any container was stopped. Incompatible with -d",
    ),
    f(
      "exit-code-from",
      "string",
      "Return the exit code of the selected service container. Implies --abort-on-container-exit",
    ),
    f(
      "attach",
      "list",
      "Restrict attaching to the specified services. Incompatible with --attach-dependencies.",
    ),
    f(
      "no-attach",
      "list",
      "Do not attach (stream logs) to the specified services",
    ),
    f("no-log-prefix", "bool", "Don't print prefix in logs"),
    f("no-color", "bool", "Produce monochrome output"),
    f("timestamps", "bool", "Show timestamps"),
    f(
      "timeout",
      "int",
      "Use this timeout in seconds for container shutdown when attached or when containers are already running",
      { short: "t" },
    ),
  ],
  action: async (ctx) => {
    const fl = ctx.flags;
    const detach = fl.bool("detach") || fl.bool("wait");
    const exitFrom = fl.string("exit-code-from");
    const abort = fl.bool("abort-on-container-exit") || exitFrom !== undefined;
    if (detach && abort)
      throw new ComposeError(
        "--abort-on-container-exit and --detach are incompatible",
      );
    const options = upOptions(ctx, fl);
    const apply = ctx.apply();
    await composeUp(apply, {
      ...options,
      noStart: fl.bool("no-start"),
      renewAnonVolumes: fl.bool("renew-anon-volumes"),
      wait: fl.bool("wait"),
      ...(fl.changed("wait-timeout")
        ? { waitTimeout: fl.int("wait-timeout") as number }
        : {}),
    });
    if (detach || fl.bool("no-start")) return 0;
    return attached(ctx, { abort, exitFrom });
  },
};

/** Attached `up`: prints logs until every container exits, or Ctrl-C / an exit with --abort-on-container-exit stops them all. */
async function attached(
  ctx: ComposeContext,
  o: { abort: boolean; exitFrom: string | undefined },
): Promise<number> {
  const project = ctx.project();
  const client = ctx.client();
  const only = ctx.flags.list("attach");
  const not = new Set(ctx.flags.list("no-attach"));
  const containers = (
    await projectContainers(client, project.name, { services: ctx.args })
  ).filter(
    (c) =>
      (!only.length || only.includes(c.Labels[LABEL.service] ?? "")) &&
      !not.has(c.Labels[LABEL.service] ?? ""),
  );
  const stopper = new AbortController();
  let code = 0;
  const stopAll = async (): Promise<void> => {
    if (stopper.signal.aborted) return;
    ctx.io.stdout.write(
      "Gracefully stopping... (press Ctrl+C again to force)\n",
    );
    stopper.abort();
    const all = await projectContainers(client, project.name, {
      services: ctx.args,
    });
    await Promise.all(
      all
        .filter((c) => c.State === "running")
        .map((c) => client.containers.stop(c.Id).catch(() => undefined)),
    );
  };
  const onSignal = (): void => void stopAll();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const exits = containers.map(async (c) => {
      const r = await client.containers.wait(c.Id, {});
      const svc = c.Labels[LABEL.service];
      if (o.exitFrom ? svc === o.exitFrom : false) code = r.StatusCode;
      if (o.abort && !stopper.signal.aborted) await stopAll();
    });
    await Promise.all([
      printLogs(client, containers, ctx.io.stdout, {
        follow: true,
        noPrefix: ctx.flags.bool("no-log-prefix"),
        colour: Boolean(ctx.io.stdout.isTTY) && !ctx.flags.bool("no-color"),
        timestamps: ctx.flags.bool("timestamps"),
        signal: stopper.signal,
      }),
      Promise.all(exits),
    ]);
  } finally {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
  }
  return code;
}

/** `compose create`. */
export const create: ComposeCommand = {
  usage: "[OPTIONS] [SERVICE...]",
  short: "Creates containers for a service",
  flags: CREATE_FLAGS,
  action: async (ctx) => {
    await composeUp(ctx.apply(), {
      ...upOptions(ctx, ctx.flags),
      noStart: true,
    });
  },
};

/** `compose scale SERVICE=NUM...`. */
export const scale: ComposeCommand = {
  usage: "[SERVICE=REPLICAS...]",
  short: "Scale services ",
  flags: [f("no-deps", "bool", "Don't start linked services")],
  args: { min: 1 },
  action: async (ctx) => {
    const wanted = scaleFlags(ctx.args);
    await composeUp(ctx.apply(), {
      services: Object.keys(wanted),
      scale: wanted,
      noDeps: ctx.flags.bool("no-deps"),
      noRecreate: true,
    });
  },
};
