/** `wharf network ls`. */
import type { Command } from "../../command.ts";
import { formatList } from "../../format/formatter.ts";
import {
  FILTER_FLAG,
  LIST_FORMAT_FLAG,
  parseFilters,
  quietFlag,
} from "../each.ts";
import {
  NETWORK_HEADERS,
  NETWORK_TABLE,
  naturalLess,
  networkRow,
} from "./view.ts";

/** Lists networks sorted by name as Docker's table, --format, or -q ids. */
export const ls: Command = {
  usage: "[OPTIONS]",
  short: "List networks",
  flags: [
    FILTER_FLAG,
    LIST_FORMAT_FLAG,
    {
      name: "no-trunc",
      type: "bool",
      description: "Do not truncate the output",
    },
    quietFlag("Only display network IDs"),
  ],
  args: { max: 0 },
  action: async (ctx) => {
    const f = ctx.flags;
    const filters = parseFilters(f.list("filter"));
    const list = await ctx.client().networks.list({ filters });
    list.sort((a, b) => naturalLess(a.Name, b.Name));
    const quiet = f.bool("quiet") && !f.string("format");
    ctx.io.stdout.write(
      formatList(
        {
          format: quiet ? "{{.ID}}" : f.string("format"),
          defaultFormat: NETWORK_TABLE,
          headers: NETWORK_HEADERS,
        },
        list.map((n) => networkRow(n, !f.bool("no-trunc"))),
      ),
    );
  },
};
