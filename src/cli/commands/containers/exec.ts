/** `wharf exec [OPTIONS] CONTAINER COMMAND [ARG...]`. */
import { StatusError, type Command } from "../../command.ts";
import { runSession } from "../../session.ts";
import { ENV_FLAGS, readEnvFile, TTY_FLAG } from "./create-options.ts";

/** Runs a command in a running container; exits with its exit code (0 with -d). */
export const exec: Command = {
  usage: "[OPTIONS] CONTAINER COMMAND [ARG...]",
  short: "Execute a command in a running container",
  flags: [
    {
      name: "detach",
      short: "d",
      type: "bool",
      description: "Detached mode: run command in the background",
    },
    {
      name: "detach-keys",
      type: "string",
      description: "Override the key sequence for detaching a container",
    },
    ...ENV_FLAGS,
    {
      name: "interactive",
      short: "i",
      type: "bool",
      description: "Keep STDIN open even if not attached",
    },
    {
      name: "privileged",
      type: "bool",
      description: "Give extended privileges to the command",
    },
    TTY_FLAG,
    {
      name: "user",
      short: "u",
      type: "string",
      description: 'Username or UID (format: "<name|uid>[:<group|gid>]")',
    },
    {
      name: "workdir",
      short: "w",
      type: "string",
      description: "Working directory inside the container",
    },
  ],
  args: { min: 2 },
  interspersed: false,
  action: async (ctx) => {
    const f = ctx.flags;
    const [container = "", ...cmd] = ctx.args;
    const detach = f.bool("detach");
    const tty = f.bool("tty");
    const interactive = f.bool("interactive");
    if (!detach && tty && interactive && !ctx.io.stdin.isTTY)
      throw new StatusError("the input device is not a TTY", 1);
    const client = ctx.client();
    const detachKeys = f.string("detach-keys");
    const { rows, columns } = ctx.io.stdout;
    const consoleSize: [number, number] | null =
      tty && ctx.io.stdout.isTTY && rows && columns ? [rows, columns] : null;
    const env = [
      ...f.list("env-file").flatMap((p) => readEnvFile(p, process.env)),
      ...f.list("env"),
    ];
    const { Id } = await client.containers.exec(container, {
      User: f.string("user") ?? "",
      Privileged: f.bool("privileged"),
      Tty: tty,
      ConsoleSize: consoleSize,
      AttachStdin: interactive && !detach,
      AttachStdout: !detach,
      AttachStderr: !detach,
      ...(detachKeys ? { DetachKeys: detachKeys } : {}),
      Env: env,
      WorkingDir: f.string("workdir") ?? "",
      Cmd: cmd,
    });
    if (detach) {
      await client.exec.startDetached(Id, {
        Tty: tty,
        ConsoleSize: consoleSize,
      });
      return 0;
    }
    const conn = await client.exec.start(Id, {
      Tty: tty,
      ConsoleSize: consoleSize,
    });
    const end = await runSession(conn, ctx.io, {
      tty,
      stdin: interactive,
      ...(detachKeys ? { detachKeys } : {}),
      resize: (size) => client.exec.resize(Id, size),
    });
    if (end === "detached") return 0;
    // compat: the process may still be reaped as the stream closes; ask until ExitCode is set.
    for (let i = 0; i < 50; i++) {
      const info = await client.exec.inspect(Id);
      if (!info.Running && info.ExitCode !== null) return info.ExitCode;
      await new Promise((ok) => setTimeout(ok, 20));
    }
    return 0;
  },
};
