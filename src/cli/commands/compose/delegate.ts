/**
 * Runs one of the CLI's container commands (exec, start, cp) on a compose
 * container, so `compose exec` and `compose run` attach, proxy signals and
 * return exit codes exactly as `docker exec` and `docker start -a` do.
 */
import type { Command } from "../../command.ts";
import { parseFlags } from "../../flags.ts";
import type { ComposeContext } from "./context.ts";

/** Runs cmd with argv (flags then arguments) in ctx's streams and client. */
export async function delegate(
  ctx: ComposeContext,
  cmd: Command,
  argv: string[],
  path: string,
): Promise<number> {
  const parsed = parseFlags(
    cmd.flags,
    argv,
    cmd.interspersed === false ? { interspersed: false } : {},
  );
  const code = await cmd.action({
    args: parsed.args,
    flags: parsed.flags,
    io: ctx.io,
    path,
    env: ctx.env,
    connection: ctx.connection,
    endpoint: ctx.endpoint,
    client: ctx.client,
  });
  return code ?? 0;
}
