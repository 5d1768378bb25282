/** `wharf container inspect [-f FORMAT] [-s] CONTAINER...`. */
import type { Command } from "../../command.ts";
import { INSPECT_FLAGS, inspectObjects } from "../system/inspect.ts";

/** Prints containers' inspect JSON or --format lines. */
export const inspect: Command = {
  usage: "[OPTIONS] CONTAINER [CONTAINER...]",
  short: "Display detailed information on one or more containers",
  flags: INSPECT_FLAGS,
  args: { min: 1 },
  action: (ctx) => inspectObjects(ctx, ["container"]),
};
