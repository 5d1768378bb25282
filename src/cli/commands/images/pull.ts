/** `wharf pull [-a] [-q] [--platform P] NAME[:TAG|@DIGEST]`. */
import { StatusError, type Command } from "../../command.ts";
import { displayJsonMessages } from "../../format/json-message.ts";
import { CredentialStore, serverForImage } from "./credentials.ts";
import { normalizedString, splitImageRef } from "./image-ref.ts";

/** Pulls an image (or every tag of a repository) through the daemon, drawing Docker's progress. */
export const pull: Command = {
  usage: "[OPTIONS] NAME[:TAG|@DIGEST]",
  short: "Download an image from a registry",
  flags: [
    {
      name: "all-tags",
      short: "a",
      type: "bool",
      description: "Download all tagged images in the repository",
    },
    {
      name: "disable-content-trust",
      type: "bool",
      description: "Skip image verification",
      default: true,
    },
    {
      name: "platform",
      type: "string",
      description: "Set platform if server is multi-platform capable",
    },
    {
      name: "quiet",
      short: "q",
      type: "bool",
      description: "Suppress verbose output",
    },
  ],
  args: { min: 1, max: 1 },
  action: async (ctx) => {
    const all = ctx.flags.bool("all-tags");
    const quiet = ctx.flags.bool("quiet");
    const ref = splitImageRef(ctx.args[0] ?? "");
    if (all && (ref.tag !== undefined || ref.digest !== undefined))
      throw new StatusError("tag can't be used with --all-tags/-a", 1);
    if (!all && ref.tag === undefined && ref.digest === undefined) {
      ref.tag = "latest";
      if (!quiet) ctx.io.stdout.write("Using default tag: latest\n");
    }
    // compat: the Docker CLI reads DOCKER_DEFAULT_PLATFORM when --platform is not given.
    const platform =
      ctx.flags.string("platform") || ctx.env.DOCKER_DEFAULT_PLATFORM || "";
    const auth = new CredentialStore(ctx.env).get(serverForImage(ref.name));
    const stream = await ctx.client().registry.pull(ref.name, {
      ...(all ? {} : { tag: ref.digest ?? ref.tag ?? "" }),
      ...(platform ? { platform } : {}),
      ...(auth ? { auth } : {}),
    });
    if (quiet) {
      await displayJsonMessages(stream, discard());
      ctx.io.stdout.write(`${normalizedString(ref)}\n`);
      return;
    }
    await displayJsonMessages(stream, ctx.io.stdout);
  },
};

/** A sink for -q: messages are read (errors still surface) but not shown. */
export function discard(): NodeJS.WritableStream {
  return { write: () => true } as unknown as NodeJS.WritableStream;
}
