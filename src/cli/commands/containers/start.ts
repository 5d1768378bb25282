/** `wharf start [-a] [-i] CONTAINER...`. */
import { attachStreams } from "./attach-streams.ts";
import type { Command } from "../../command.ts";
import { StatusError } from "../../command.ts";
import { runSession } from "../../session.ts";
import { proxySignals } from "../../sig-proxy.ts";
import { forEachName } from "../each.ts";

/** Starts containers; with -a (one container) streams its output and exits with its code. */
export const start: Command = {
  usage: "[OPTIONS] CONTAINER [CONTAINER...]",
  short: "Start one or more stopped containers",
  flags: [
    {
      name: "attach",
      short: "a",
      type: "bool",
      description: "Attach STDOUT/STDERR and forward signals",
    },
    {
      name: "detach-keys",
      type: "string",
      description: "Override the key sequence for detaching a container",
    },
    {
      name: "interactive",
      short: "i",
      type: "bool",
      description: "Attach container's STDIN",
    },
  ],
  args: { min: 1 },
  action: async (ctx) => {
    const attach = ctx.flags.bool("attach");
    const interactive = ctx.flags.bool("interactive");
    if (!attach && !interactive)
      return forEachName(
        ctx,
        ctx.args,
        (n) => ctx.client().containers.start(n),
        (failed) => `Error: failed to start containers: ${failed.join(", ")}`,
      );
    if (ctx.args.length > 1)
      throw new StatusError(
        "you cannot start and attach multiple containers at once",
        1,
      );
    const client = ctx.client();
    const name = ctx.args[0] ?? "";
    const info = await client.containers.inspect(name);
    const tty = info.Config.Tty;
    const stdin = interactive && info.Config.OpenStdin;
    const { conn, detachKeys, waiter } = await attachStreams(ctx, name, {
      stdin,
      condition: "next-exit",
    });
    const session = runSession(conn, ctx.io, {
      tty,
      stdin,
      ...(detachKeys ? { detachKeys } : {}),
      resize: (size) => client.containers.resize(name, size),
    });
    // compat: start -a always proxies signals unless the container has a tty.
    const unproxy = tty
      ? () => undefined
      : proxySignals((signal) => client.containers.kill(name, { signal }));
    try {
      await client.containers.start(name);
      if ((await session) === "detached") return 0;
      return (await waiter.result).StatusCode;
    } catch (err) {
      conn.destroy();
      await session.catch(() => undefined);
      throw err;
    } finally {
      unproxy();
    }
  },
};
