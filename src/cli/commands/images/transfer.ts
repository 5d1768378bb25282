/**
 * What `wharf pull` and `wharf push` share around their request: the
 * reference as the Docker CLI reads it, the credentials for its registry,
 * and the output (Docker's progress, or with -q only the name).
 */
import type { Readable } from "node:stream";
import { StatusError, type CommandContext } from "../../command.ts";
import { flagSpec, type FlagSpec } from "../../flags.ts";
import { displayJsonMessages } from "../../format/json-message.ts";
import { CredentialStore, serverForImage } from "./credentials.ts";
import { normalizedString, splitImageRef, type ImageRef } from "./image-ref.ts";

/**
 * The flags pull and push share: -a and -q, and --disable-content-trust
 * (accepted, on by default: wharf verifies no signatures), with each
 * command's help texts.
 */
export function transferFlags(
  allTags: string,
  trust: string,
  ...more: FlagSpec[]
): FlagSpec[] {
  return [
    flagSpec("bool", "all-tags", allTags, "a"),
    { ...flagSpec("bool", "disable-content-trust", trust), default: true },
    ...more,
    flagSpec("bool", "quiet", "Suppress verbose output", "q"),
  ];
}

/** What the shared flags and the argument say: the reference and its credentials, -a and -q. */
export type Transfer = {
  ref: ImageRef;
  auth: ReturnType<CredentialStore["get"]>;
  all: boolean;
  quiet: boolean;
};

/**
 * The argument's reference: with -a no tag or digest may be given; without
 * it, a bare name means :latest ("Using default tag: latest", unless -q).
 * Also the stored credentials for its registry, when there are any.
 */
export function transferRef(ctx: CommandContext): Transfer {
  const all = ctx.flags.bool("all-tags");
  const quiet = ctx.flags.bool("quiet");
  const ref = splitImageRef(ctx.args[0] ?? "");
  if (all && (ref.tag !== undefined || ref.digest !== undefined))
    throw new StatusError("tag can't be used with --all-tags/-a", 1);
  if (!all && ref.tag === undefined && ref.digest === undefined) {
    ref.tag = "latest";
    if (!quiet) ctx.io.stdout.write("Using default tag: latest\n");
  }
  return {
    ref,
    auth: new CredentialStore(ctx.env).get(serverForImage(ref.name)),
    all,
    quiet,
  };
}

/** Draws the progress stream, or with -q reads it (errors still surface) and prints the name. */
export async function showTransfer(
  ctx: CommandContext,
  stream: Readable,
  { ref, quiet }: Transfer,
): Promise<void> {
  if (!quiet) return displayJsonMessages(stream, ctx.io.stdout);
  await displayJsonMessages(stream, {
    write: () => true,
  } as unknown as NodeJS.WritableStream);
  ctx.io.stdout.write(`${normalizedString(ref)}\n`);
}
