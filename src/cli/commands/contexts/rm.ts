/** `wharf context rm [-f] CONTEXT…`. */
import { errorMessage } from "../../../util/errors.ts";
import { StatusError, type Command } from "../../command.ts";
import {
  configDir,
  ContextStore,
  DEFAULT_CONTEXT,
} from "../../contexts/store.ts";

/** Removes contexts; the current one only with -f (then the current becomes default). */
export const rm: Command = {
  usage: "CONTEXT [CONTEXT...]",
  short: "Remove one or more contexts",
  flags: [
    {
      name: "force",
      short: "f",
      type: "bool",
      description: "Force the removal of a context in use",
    },
  ],
  args: { min: 1 },
  action: (ctx) => {
    const store = new ContextStore(configDir(ctx.env));
    const errors: string[] = [];
    for (const name of ctx.args) {
      try {
        if (name === DEFAULT_CONTEXT)
          throw new Error(`default: context "default" cannot be removed`);
        if (store.current() === name) {
          // compat: the Docker CLI's refusal and its -f hint.
          if (!ctx.flags.bool("force"))
            throw new Error(
              `context "${name}" is in use, set -f flag to force remove`,
            );
          store.setCurrent(DEFAULT_CONTEXT);
        }
        store.remove(name);
        ctx.io.stdout.write(`${name}\n`);
      } catch (err) {
        errors.push(errorMessage(err));
      }
    }
    if (errors.length) throw new StatusError(errors.join("\n"), 1);
    return Promise.resolve();
  },
};
