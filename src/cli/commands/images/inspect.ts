/** `wharf image inspect [-f FORMAT] IMAGE...`. */
import type { Command } from "../../command.ts";
import { INSPECT_FLAGS, inspectObjects } from "../system/inspect.ts";

/** Prints images' inspect JSON or --format lines. */
export const inspect: Command = {
  usage: "[OPTIONS] IMAGE [IMAGE...]",
  short: "Display detailed information on one or more images",
  flags: INSPECT_FLAGS.filter((f) => f.name === "format"),
  args: { min: 1 },
  action: (ctx) => inspectObjects(ctx, ["image"]),
};
