/** `wharf attach CONTAINER`. */
import { attachStreams } from "./attach-streams.ts";
import type { Command } from "../../command.ts";
import { StatusError } from "../../command.ts";
import { runSession } from "../../session.ts";
import { proxySignals } from "../../sig-proxy.ts";

/** Attaches to a running container until it exits (then exits with its code) or the user detaches. */
export const attach: Command = {
  usage: "[OPTIONS] CONTAINER",
  short:
    "Attach local standard input, output, and error streams to a running container",
  flags: [
    {
      name: "detach-keys",
      type: "string",
      description: "Override the key sequence for detaching a container",
    },
    { name: "no-stdin", type: "bool", description: "Do not attach STDIN" },
    {
      name: "sig-proxy",
      type: "bool",
      description: "Proxy all received signals to the process",
      default: true,
    },
  ],
  args: { min: 1, max: 1 },
  action: async (ctx) => {
    const client = ctx.client();
    const name = ctx.args[0] ?? "";
    const info = await client.containers.inspect(name);
    if (!info.State.Running)
      throw new StatusError(
        "You cannot attach to a stopped container, start it first",
        1,
      );
    if (info.State.Paused)
      throw new StatusError(
        "You cannot attach to a paused container, unpause it first",
        1,
      );
    const stdin = !ctx.flags.bool("no-stdin") && info.Config.OpenStdin;
    const { conn, detachKeys, waiter } = await attachStreams(ctx, name, {
      stdin,
      condition: "not-running",
    });
    // compat: as the Docker CLI, signals are proxied only without a tty.
    const unproxy =
      ctx.flags.bool("sig-proxy") && !info.Config.Tty
        ? proxySignals((signal) => client.containers.kill(name, { signal }))
        : () => undefined;
    try {
      const end = await runSession(conn, ctx.io, {
        tty: info.Config.Tty,
        stdin,
        ...(detachKeys ? { detachKeys } : {}),
        resize: (size) => client.containers.resize(name, size),
      });
      if (end === "detached") return 0;
      return (await waiter.result).StatusCode;
    } finally {
      unproxy();
    }
  },
};
