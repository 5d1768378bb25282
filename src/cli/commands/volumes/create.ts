/** `wharf volume create [-d DRIVER] [-o KEY=VALUE] [--label K=V] [NAME]`. */
import { StatusError, type Command } from "../../command.ts";

function keyValues(values: string[], flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf("=");
    if (flag === "opt" && eq <= 0)
      throw new StatusError(
        `invalid argument "${v}" for "-o, --opt" flag: invalid key value pair format`,
        125,
      );
    if (eq < 0) out[v] = "";
    else out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}

/** Creates a volume and prints its name. */
export const create: Command = {
  usage: "[OPTIONS] [VOLUME]",
  short: "Create a volume",
  flags: [
    {
      name: "driver",
      short: "d",
      type: "string",
      description: "Specify volume driver name",
      default: "local",
    },
    { name: "label", type: "list", description: "Set metadata for a volume" },
    {
      name: "name",
      type: "string",
      description: "Specify volume name",
      hidden: true,
    },
    {
      name: "opt",
      short: "o",
      type: "list",
      description: "Set driver specific options",
      valueName: "map",
    },
  ],
  args: { max: 1 },
  action: async (ctx) => {
    const name = ctx.args[0] ?? ctx.flags.string("name") ?? "";
    const v = await ctx.client().volumes.create({
      Name: name,
      Driver: ctx.flags.string("driver") ?? "local",
      DriverOpts: keyValues(ctx.flags.list("opt"), "opt"),
      Labels: keyValues(ctx.flags.list("label"), "label"),
    });
    ctx.io.stdout.write(`${v.Name}\n`);
  },
};
