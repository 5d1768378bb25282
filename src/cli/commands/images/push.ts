/** `wharf push [-a] [-q] NAME[:TAG]`. */
import { StatusError, type Command } from "../../command.ts";
import { displayJsonMessages } from "../../format/json-message.ts";
import { CredentialStore, serverForImage } from "./credentials.ts";
import { normalizedString, splitImageRef } from "./image-ref.ts";
import { discard } from "./pull.ts";

/** Pushes a tag (or every tag of a repository) through the daemon, drawing Docker's progress. */
export const push: Command = {
  usage: "[OPTIONS] NAME[:TAG]",
  short: "Upload an image to a registry",
  flags: [
    {
      name: "all-tags",
      short: "a",
      type: "bool",
      description: "Push all tags of an image to the repository",
    },
    {
      name: "disable-content-trust",
      type: "bool",
      description: "Skip image signing",
      default: true,
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
    const auth = new CredentialStore(ctx.env).get(serverForImage(ref.name));
    const stream = await ctx.client().registry.push(ref.name, {
      ...(all ? {} : { tag: ref.tag ?? "" }),
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
