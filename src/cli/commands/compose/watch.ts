/** `compose watch [SERVICE...]`: `up -d` (unless --no-up), then sync/rebuild on file changes until interrupted. */
import { selectServices, up as composeUp } from "../../../compose/up.ts";
import { watchProject } from "../../../compose/watch.ts";
import type { ComposeCommand } from "./context.ts";

/** `compose watch`. */
export const watch: ComposeCommand = {
  usage: "[SERVICE...]",
  short:
    "Watch build context for service and rebuild/refresh containers when files are updated",
  flags: [
    {
      name: "no-up",
      type: "bool",
      description: "Do not build & start services before watching",
    },
    {
      name: "prune",
      type: "bool",
      description: "Prune dangling images on rebuild",
      default: true,
    },
    {
      name: "quiet",
      type: "bool",
      description: "hide build output",
    },
  ],
  action: async (ctx) => {
    const apply = ctx.apply();
    const services = selectServices(apply.project, ctx.args);
    if (!ctx.flags.bool("no-up"))
      await composeUp(apply, { services: ctx.args });
    const stop = new AbortController();
    const onSignal = (): void => stop.abort();
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    try {
      await watchProject(apply, services, {
        signal: stop.signal,
        log: (l) => void ctx.io.stderr.write(`${l}\n`),
        prune: ctx.flags.bool("prune"),
      });
    } finally {
      process.removeListener("SIGINT", onSignal);
      process.removeListener("SIGTERM", onSignal);
    }
    return 0;
  },
};
