/** `wharf logs [OPTIONS] CONTAINER`. */
import { demuxStream } from "../../../client/index.ts";
import type { Command } from "../../command.ts";

/** Prints a container's logs (stdout and stderr kept apart unless it has a tty). */
export const logs: Command = {
  usage: "[OPTIONS] CONTAINER",
  short: "Fetch the logs of a container",
  flags: [
    {
      name: "details",
      type: "bool",
      description: "Show extra details provided to logs",
    },
    {
      name: "follow",
      short: "f",
      type: "bool",
      description: "Follow log output",
    },
    {
      name: "since",
      type: "string",
      description:
        'Show logs since timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)',
    },
    {
      name: "tail",
      short: "n",
      type: "string",
      description: "Number of lines to show from the end of the logs",
      default: "all",
    },
    {
      name: "timestamps",
      short: "t",
      type: "bool",
      description: "Show timestamps",
    },
    {
      name: "until",
      type: "string",
      description:
        'Show logs before a timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)',
    },
  ],
  args: { min: 1, max: 1 },
  action: async (ctx) => {
    const f = ctx.flags;
    const client = ctx.client();
    const name = ctx.args[0] ?? "";
    const info = await client.containers.inspect(name);
    const since = f.string("since");
    const until = f.string("until");
    const body = await client.containers.logs(name, {
      follow: f.bool("follow"),
      timestamps: f.bool("timestamps"),
      details: f.bool("details"),
      tail: f.string("tail") ?? "all",
      ...(since ? { since } : {}),
      ...(until ? { until } : {}),
    });
    if (info.Config.Tty)
      for await (const chunk of body) ctx.io.stdout.write(chunk as Buffer);
    else await demuxStream(body, ctx.io.stdout, ctx.io.stderr);
  },
};
