/** `compose logs`: every service container's logs, prefixed and interleaved. */
import { projectContainers } from "../../../compose/state.ts";
import type { ComposeCommand } from "./context.ts";
import { projectOrName } from "./down.ts";
import { printLogs } from "./log-printer.ts";

/** `compose logs`. */
export const logs: ComposeCommand = {
  usage: "[OPTIONS] [SERVICE...]",
  short: "View output from containers",
  flags: [
    {
      name: "follow",
      short: "f",
      type: "bool",
      description: "Follow log output",
    },
    {
      name: "tail",
      short: "n",
      type: "string",
      description:
        "Number of lines to show from the end of the logs for each container",
      default: "all",
    },
    {
      name: "since",
      type: "string",
      description:
        "Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)",
    },
    {
      name: "until",
      type: "string",
      description:
        "Show logs before a timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)",
    },
    {
      name: "timestamps",
      short: "t",
      type: "bool",
      description: "Show timestamps",
    },
    {
      name: "no-color",
      type: "bool",
      description: "Produce monochrome output",
    },
    {
      name: "no-log-prefix",
      type: "bool",
      description: "Don't print prefix in logs",
    },
    {
      name: "index",
      type: "int",
      description: "index of the container if service has multiple replicas",
    },
  ],
  action: async (ctx) => {
    const fl = ctx.flags;
    const project = projectOrName(ctx);
    let list = await projectContainers(ctx.client(), project.name, {
      services: ctx.args,
      oneoff: "any",
    });
    const index = fl.int("index");
    if (index !== undefined)
      list = list.filter(
        (c) =>
          c.Labels["com.docker.compose.container-number"] === String(index),
      );
    const since = fl.string("since");
    const until = fl.string("until");
    const stop = new AbortController();
    const onSignal = (): void => stop.abort();
    process.once("SIGINT", onSignal);
    try {
      await printLogs(ctx.client(), list, ctx.io.stdout, {
        follow: fl.bool("follow"),
        tail: fl.string("tail") ?? "all",
        timestamps: fl.bool("timestamps"),
        noPrefix: fl.bool("no-log-prefix"),
        colour: Boolean(ctx.io.stdout.isTTY) && !fl.bool("no-color"),
        signal: stop.signal,
        ...(since ? { since } : {}),
        ...(until ? { until } : {}),
      });
    } finally {
      process.removeListener("SIGINT", onSignal);
    }
  },
};
