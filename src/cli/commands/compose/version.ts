/** `compose version`. */
import { COMPOSE_VERSION } from "../../../compose/labels.ts";
import type { ComposeCommand } from "./context.ts";

/** `compose version`: wharf's compose follows Compose v2's behaviour and names that release. */
export const version: ComposeCommand = {
  usage: "[OPTIONS]",
  short: "Show the Docker Compose version information",
  flags: [
    {
      name: "format",
      short: "f",
      type: "string",
      description:
        "Format the output. Values: [pretty | json]. (Default: pretty)",
    },
    {
      name: "short",
      type: "bool",
      description: "Shows only Compose's version number",
    },
  ],
  action: (ctx) => {
    const v = `v${COMPOSE_VERSION}`;
    if (ctx.flags.bool("short")) ctx.io.stdout.write(`${COMPOSE_VERSION}\n`);
    else if (ctx.flags.string("format") === "json")
      ctx.io.stdout.write(`${JSON.stringify({ version: v })}\n`);
    else ctx.io.stdout.write(`Docker Compose version ${v} (wharf)\n`);
    return Promise.resolve();
  },
};
