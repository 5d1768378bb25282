/** `wharf ps` / `wharf container ls`. */
import type { Command } from "../../command.ts";
import { formatList } from "../../format/formatter.ts";
import {
  FILTER_FLAG,
  LIST_FORMAT_FLAG,
  parseFilters,
  quietFlag,
} from "../each.ts";
import { PS_HEADERS, containerRow } from "./view.ts";

/** Lists containers as Docker's table, --format or -q ids. */
export const ls: Command = {
  usage: "[OPTIONS]",
  short: "List containers",
  flags: [
    {
      name: "all",
      short: "a",
      type: "bool",
      description: "Show all containers (default shows just running)",
    },
    FILTER_FLAG,
    LIST_FORMAT_FLAG,
    {
      name: "last",
      short: "n",
      type: "int",
      description: "Show n last created containers (includes all states)",
      default: -1,
    },
    {
      name: "latest",
      short: "l",
      type: "bool",
      description: "Show the latest created container (includes all states)",
    },
    { name: "no-trunc", type: "bool", description: "Don't truncate output" },
    quietFlag("Only display container IDs"),
    {
      name: "size",
      short: "s",
      type: "bool",
      description: "Display total file sizes",
    },
  ],
  args: { max: 0 },
  action: async (ctx) => {
    const f = ctx.flags;
    const last = f.bool("latest") ? 1 : (f.int("last") ?? -1);
    const format = f.string("format");
    // compat: Docker asks for sizes when a custom format mentions .Size.
    const size = f.bool("size") || (!!format && format.includes(".Size"));
    const list = await ctx.client().containers.list({
      all: f.bool("all") || last > 0,
      ...(last > 0 ? { limit: last } : {}),
      size,
      filters: parseFilters(f.list("filter")),
    });
    const trunc = !f.bool("no-trunc");
    const defaultFormat = f.bool("quiet")
      ? "{{.ID}}"
      : `table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}${f.bool("size") ? "\t{{.Size}}" : ""}`;
    const userFormat = f.bool("quiet") && !format ? "{{.ID}}" : format;
    ctx.io.stdout.write(
      formatList(
        { format: userFormat, defaultFormat, headers: PS_HEADERS },
        list.map((c) => containerRow(c, trunc)),
      ),
    );
  },
};
