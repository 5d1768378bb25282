/** What `attach` and `start -a` share: attaching to a container and waiting for its exit. */
import type { Duplex } from "node:stream";
import type { ContainerWaitResponse } from "../../../client/index.ts";
import type { CommandContext } from "../../command.ts";

/** An attached connection, the --detach-keys given, and the pending wait. */
export type AttachedStreams = {
  conn: Duplex;
  detachKeys: string | undefined;
  waiter: { result: Promise<ContainerWaitResponse> };
};

/**
 * Attaches to stdout and stderr (and stdin when `stdin`) of container `name`
 * with the command's --detach-keys, then starts waiting for `condition`, in
 * that order as the Docker CLI does. Throws the client's errors.
 */
export async function attachStreams(
  ctx: CommandContext,
  name: string,
  o: { stdin: boolean; condition: "not-running" | "next-exit" },
): Promise<AttachedStreams> {
  const client = ctx.client();
  const detachKeys = ctx.flags.string("detach-keys");
  const conn = await client.containers.attach(name, {
    stdin: o.stdin,
    stdout: true,
    stderr: true,
    ...(detachKeys ? { detachKeys } : {}),
  });
  const waiter = await client.containers.beginWait(name, {
    condition: o.condition,
  });
  return { conn, detachKeys, waiter };
}
