/** `wharf volume inspect [-f FORMAT] VOLUME...`. */
import type { Command } from "../../command.ts";
import { INSPECT_FLAGS, inspectObjects } from "../system/inspect.ts";

/** Prints volumes' inspect JSON or --format lines. */
export const inspect: Command = {
  usage: "[OPTIONS] VOLUME [VOLUME...]",
  short: "Display detailed information on one or more volumes",
  flags: INSPECT_FLAGS.filter((f) => f.name === "format"),
  args: { min: 1 },
  action: (ctx) => inspectObjects(ctx, ["volume"]),
};
