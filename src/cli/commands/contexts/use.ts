/** `wharf context use CONTEXT`: sets config.json's currentContext. */
import { errorMessage } from "../../../util/errors.ts";
import { StatusError, type Command } from "../../command.ts";
import {
  configDir,
  ContextStore,
  DEFAULT_CONTEXT,
} from "../../contexts/store.ts";

/** Makes a context the current one; prints its name, and to stderr Docker's notes. */
export const use: Command = {
  usage: "CONTEXT",
  short: "Set the current docker context",
  flags: [],
  args: { min: 1, max: 1 },
  action: (ctx) => {
    const name = ctx.args[0] ?? "";
    const store = new ContextStore(configDir(ctx.env));
    if (name !== DEFAULT_CONTEXT)
      try {
        store.get(name);
      } catch (err) {
        throw new StatusError(errorMessage(err), 1);
      }
    store.setCurrent(name);
    ctx.io.stdout.write(`${name}\n`);
    ctx.io.stderr.write(`Current context is now "${name}"\n`);
    if (ctx.env.DOCKER_HOST || ctx.env.WHARF_HOST)
      // compat: the Docker CLI's warning when the environment overrides the context.
      ctx.io.stderr.write(
        "Warning: DOCKER_HOST environment variable overrides the active context. To use a context, either set the global --context flag, or unset DOCKER_HOST environment variable.\n",
      );
    return Promise.resolve();
  },
};
