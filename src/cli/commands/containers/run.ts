/**
 * `wharf run`: create → (attach → wait → start → stream) or (start → print id
 * with -d). Exits with the container's code; start failures exit 125, or 126
 * / 127 for a command that cannot be run, as Docker does.
 */
import {
  StatusError,
  type Command,
  type CommandContext,
} from "../../command.ts";
import type { FlagSpec } from "../../flags.ts";
import { runSession } from "../../session.ts";
import { proxySignals } from "../../sig-proxy.ts";
import { describeError } from "../each.ts";
import { CREATE_FLAGS, createBody } from "./create-options.ts";
import { createContainer, runError } from "./create.ts";

const RUN_ONLY: FlagSpec[] = [
  {
    name: "detach",
    short: "d",
    type: "bool",
    description: "Run container in background and print container ID",
  },
  {
    name: "detach-keys",
    type: "string",
    description: "Override the key sequence for detaching a container",
  },
  {
    name: "sig-proxy",
    type: "bool",
    description: "Proxy received signals to the process",
    default: true,
  },
];
const RUN_FLAGS = [...CREATE_FLAGS, ...RUN_ONLY];

/** The exit code Docker's run uses for a failed start, from the daemon's text. */
export function startFailureCode(message: string): number {
  if (
    /executable file not found|no such file or directory|system cannot find the file specified/.test(
      message,
    )
  )
    return 127;
  if (/permission denied|is a directory/.test(message)) return 126;
  return 125;
}

async function startOrFail(ctx: CommandContext, id: string): Promise<void> {
  try {
    await ctx.client().containers.start(id);
  } catch (err) {
    throw new StatusError(
      `wharf: ${describeError(err)}\n\nRun '${ctx.path} --help' for more information`,
      startFailureCode(describeError(err)),
    );
  }
}

/** `wharf run [OPTIONS] IMAGE [COMMAND] [ARG...]`. */
export const run: Command = {
  usage: "[OPTIONS] IMAGE [COMMAND] [ARG...]",
  short: "Create and run a new container from an image",
  flags: RUN_FLAGS,
  args: { min: 1 },
  interspersed: false,
  action: async (ctx) => {
    const f = ctx.flags;
    const [image = "", ...cmd] = ctx.args;
    const detach = f.bool("detach");
    if (
      detach &&
      f.bool("rm") &&
      f.changed("restart") &&
      f.string("restart") !== "no"
    )
      throw runError(
        ctx,
        new Error(
          "conflicting options: cannot specify both --restart and --rm",
        ),
      );
    if (
      !detach &&
      f.bool("tty") &&
      f.bool("interactive") &&
      !ctx.io.stdin.isTTY
    )
      throw new StatusError("the input device is not a TTY", 1);
    let body;
    try {
      body = createBody(f, image, cmd, { detach, env: process.env });
    } catch (err) {
      throw runError(ctx, err);
    }
    const { rows, columns } = ctx.io.stdout;
    if (body.Tty && ctx.io.stdout.isTTY && rows && columns)
      body.HostConfig = { ...body.HostConfig, ConsoleSize: [rows, columns] };
    const id = await createContainer(ctx, body);
    const client = ctx.client();
    if (detach) {
      await startOrFail(ctx, id);
      ctx.io.stdout.write(`${id}\n`);
      return 0;
    }
    const tty = body.Tty === true;
    const detachKeys = f.string("detach-keys");
    let conn;
    let waiter;
    try {
      // compat: the Docker CLI attaches, then registers the wait, then starts.
      conn = await client.containers.attach(id, {
        stdin: body.AttachStdin === true,
        stdout: body.AttachStdout === true,
        stderr: body.AttachStderr === true,
        ...(detachKeys ? { detachKeys } : {}),
      });
      waiter = await client.containers.beginWait(id, {
        condition: body.HostConfig?.AutoRemove ? "removed" : "next-exit",
      });
    } catch (err) {
      conn?.destroy();
      throw runError(ctx, err);
    }
    const session = runSession(conn, ctx.io, {
      tty,
      stdin: body.AttachStdin === true,
      ...(detachKeys ? { detachKeys } : {}),
      resize: (size) => client.containers.resize(id, size),
    });
    // compat: the Docker CLI turns --sig-proxy off for a tty.
    const unproxy =
      f.bool("sig-proxy") && !tty
        ? proxySignals((signal) => client.containers.kill(id, { signal }))
        : () => undefined;
    try {
      try {
        await startOrFail(ctx, id);
      } catch (err) {
        conn.destroy();
        await session.catch(() => undefined);
        throw err;
      }
      if (tty && ctx.io.stdout.isTTY && rows && columns)
        await client.containers
          .resize(id, { h: rows, w: columns })
          .catch(() => undefined);
      if ((await session) === "detached") return 0;
      const result = await waiter.result;
      if (result.Error?.Message)
        throw runError(ctx, new Error(result.Error.Message));
      return result.StatusCode;
    } finally {
      unproxy();
    }
  },
};
