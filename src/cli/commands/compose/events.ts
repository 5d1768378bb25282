/** `compose events`: the engine's container events for the project, in compose's line or JSON form. */
import { LABEL } from "../../../compose/labels.ts";
import type { ComposeCommand } from "./context.ts";
import { projectOrName } from "./down.ts";

/** `compose events`. */
export const events: ComposeCommand = {
  usage: "[OPTIONS] [SERVICE...]",
  short: "Receive real time events from containers",
  flags: [
    {
      name: "json",
      type: "bool",
      description: "Output events as a stream of json objects",
    },
  ],
  action: async (ctx) => {
    const project = projectOrName(ctx).name;
    const services = new Set(ctx.args);
    const stream = ctx.client().system.events({
      filters: {
        type: ["container"],
        label: [`${LABEL.project}=${project}`],
      },
    });
    for await (const e of stream) {
      const attrs = e.Actor?.Attributes ?? {};
      const service = attrs[LABEL.service] ?? "";
      if (services.size && !services.has(service)) continue;
      const time = new Date(
        Number(e.timeNano ?? BigInt(e.time ?? 0) * 1_000_000_000n) / 1e6,
      ).toISOString();
      const id = e.Actor?.ID ?? "";
      const shown = Object.fromEntries(
        Object.entries(attrs).filter(
          ([k]) => !k.startsWith("com.docker.compose."),
        ),
      );
      if (ctx.flags.bool("json"))
        ctx.io.stdout.write(
          `${JSON.stringify({ time, type: "container", action: e.Action, id, service, attributes: shown })}\n`,
        );
      else
        ctx.io.stdout.write(
          `${time} container ${e.Action ?? ""} ${id} (${Object.entries(shown)
            .map(([k, v]) => `${k}=${v}`)
            .join(", ")})\n`,
        );
    }
  },
};
