/**
 * `wharf inspect` (any object) and the inspect output both it and `container
 * inspect` / `image inspect` share: a JSON array indented by 4 spaces, or one
 * --format line per object; missing objects print "Error: No such …" and exit 1.
 */
import { ClientError, type EngineClient } from "../../../client/index.ts";
import {
  StatusError,
  type Command,
  type CommandContext,
} from "../../command.ts";
import type { FlagSpec } from "../../flags.ts";
import { formatEach } from "../../format/formatter.ts";
import { describeError } from "../each.ts";

/** The kinds inspect knows, in the order `inspect` without --type tries them. */
export type InspectKind = "container" | "image" | "volume" | "network";

/** --format and -s, shared by the inspect commands. */
export const INSPECT_FLAGS: FlagSpec[] = [
  {
    name: "format",
    short: "f",
    type: "string",
    description: "Format output using a custom template",
  },
  {
    name: "size",
    short: "s",
    type: "bool",
    description: "Display total file sizes if the type is container",
  },
];

async function fetchOne(
  client: EngineClient,
  kind: InspectKind,
  name: string,
  size: boolean,
): Promise<unknown> {
  if (kind === "volume") return client.volumes.inspect(name);
  if (kind === "network") return client.networks.inspect(name);
  return kind === "container"
    ? client.containers.inspect(name, { size })
    : client.images.inspect(name);
}

/** Inspects each name as one of kinds and prints the result; throws StatusError(1) listing misses. */
export async function inspectObjects(
  ctx: CommandContext,
  kinds: InspectKind[],
): Promise<void> {
  const format = ctx.flags.string("format");
  // Parse the template before any request so a bad one fails fast, as Docker does.
  if (format) formatEach(format, []);
  const client = ctx.client();
  const found: unknown[] = [];
  const errors: string[] = [];
  for (const name of ctx.args) {
    let value: unknown;
    let lastError: unknown;
    for (const kind of kinds) {
      try {
        value = await fetchOne(client, kind, name, ctx.flags.bool("size"));
        break;
      } catch (err) {
        if (!(err instanceof ClientError && err.status === 404)) throw err;
        lastError = err;
      }
    }
    if (value !== undefined) found.push(value);
    else
      // compat: `inspect` says "Error: No such object"; `container inspect` passes the daemon's error on.
      errors.push(
        kinds.length > 1
          ? `Error: No such object: ${name}`
          : describeError(lastError),
      );
  }
  if (format) ctx.io.stdout.write(formatEach(format, found));
  else
    ctx.io.stdout.write(
      found.length ? `${JSON.stringify(found, null, 4)}\n` : "[]\n",
    );
  if (errors.length) throw new StatusError(errors.join("\n"), 1);
}

/** `wharf inspect [--type T] NAME|ID...`. */
export const inspect: Command = {
  usage: "[OPTIONS] NAME|ID [NAME|ID...]",
  short: "Return low-level information on Docker objects",
  flags: [
    ...INSPECT_FLAGS,
    {
      name: "type",
      type: "string",
      description: "Only inspect objects of the given type",
    },
  ],
  args: { min: 1 },
  action: async (ctx) => {
    const type = ctx.flags.string("type");
    if (
      type &&
      type !== "container" &&
      type !== "image" &&
      type !== "volume" &&
      type !== "network"
    )
      throw new StatusError(`"${type}" is not a valid value for --type`, 1);
    await inspectObjects(
      ctx,
      type
        ? [type as InspectKind]
        : ["container", "image", "volume", "network"],
    );
  },
};
