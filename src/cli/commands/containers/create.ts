/** `wharf create` and the create step `run` shares (pull on a missing image, --cidfile). */
import { existsSync, writeFileSync } from "node:fs";
import {
  ClientError,
  progressMessages,
  type ContainerCreateBody,
} from "../../../client/index.ts";
import {
  StatusError,
  type Command,
  type CommandContext,
} from "../../command.ts";
import { describeError } from "../each.ts";
import { CREATE_FLAGS, createBody } from "./create-options.ts";

/** Docker's report of a run/create failure: "wharf: …" then a help hint, exit 125 unless given. */
export function runError(
  ctx: CommandContext,
  err: unknown,
  code = 125,
): StatusError {
  if (err instanceof StatusError) return err;
  return new StatusError(
    `wharf: ${describeError(err)}\n\nRun '${ctx.path} --help' for more information`,
    code,
  );
}

function withTag(ref: string): string {
  const last = ref.split("/").pop() ?? "";
  return last.includes(":") || last.includes("@") ? ref : `${ref}:latest`;
}

async function pull(ctx: CommandContext, ref: string): Promise<void> {
  const full = withTag(ref);
  const at = full.lastIndexOf(":");
  const stream = await ctx
    .client()
    .images.pull(full.slice(0, at), { tag: full.slice(at + 1) });
  const quiet = ctx.flags.bool("quiet");
  for await (const msg of progressMessages(stream)) {
    if (msg.status && !quiet)
      ctx.io.stderr.write(`${msg.id ? `${msg.id}: ` : ""}${msg.status}\n`);
  }
}

/**
 * Creates the container, pulling the image once if it is missing, and writes
 * --cidfile. Returns the id; throws StatusError with Docker's run/create text.
 */
export async function createContainer(
  ctx: CommandContext,
  body: ContainerCreateBody,
): Promise<string> {
  const cidfile = ctx.flags.string("cidfile");
  if (cidfile && existsSync(cidfile))
    throw runError(
      ctx,
      new Error(
        `Container ID file found, make sure the other container isn't running or delete ${cidfile}`,
      ),
    );
  const name = ctx.flags.string("name");
  const platform = ctx.flags.string("platform");
  const policy = ctx.flags.string("pull") ?? "missing";
  if (!["always", "missing", "never"].includes(policy))
    throw runError(
      ctx,
      new Error(
        `invalid pull option: '${policy}': must be one of "always", "missing" or "never"`,
      ),
    );
  const create = () =>
    ctx.client().containers.create(body, {
      ...(name ? { name } : {}),
      ...(platform ? { platform } : {}),
    });
  try {
    let created;
    try {
      if (policy === "always") await pull(ctx, body.Image ?? "");
      created = await create();
    } catch (err) {
      if (
        policy !== "missing" ||
        !(
          err instanceof ClientError &&
          err.status === 404 &&
          /No such image/i.test(err.message)
        )
      )
        throw err;
      ctx.io.stderr.write(
        `Unable to find image '${withTag(body.Image ?? "")}' locally\n`,
      );
      await pull(ctx, body.Image ?? "");
      created = await create();
    }
    for (const w of created.Warnings ?? [])
      ctx.io.stderr.write(`WARNING: ${w}\n`);
    if (cidfile) writeFileSync(cidfile, created.Id);
    return created.Id;
  } catch (err) {
    throw runError(ctx, err);
  }
}

/** `wharf create [OPTIONS] IMAGE [COMMAND] [ARG...]`: prints the new id. */
export const create: Command = {
  usage: "[OPTIONS] IMAGE [COMMAND] [ARG...]",
  short: "Create a new container",
  flags: CREATE_FLAGS,
  args: { min: 1 },
  interspersed: false,
  action: async (ctx) => {
    const [image = "", ...cmd] = ctx.args;
    let body;
    try {
      body = createBody(ctx.flags, image, cmd, {
        detach: true,
        env: process.env,
      });
    } catch (err) {
      throw runError(ctx, err);
    }
    // compat: create attaches nothing but keeps -a/-i/-t in the config as run would.
    const id = await createContainer(ctx, {
      ...body,
      AttachStdout: true,
      AttachStderr: true,
      AttachStdin: ctx.flags.bool("interactive"),
      StdinOnce: ctx.flags.bool("interactive"),
    });
    ctx.io.stdout.write(`${id}\n`);
  },
};
