/** `wharf history [OPTIONS] IMAGE`. */
import type { Command } from "../../command.ts";
import { formatList } from "../../format/formatter.ts";
import { PLATFORM_FLAG, platformJson } from "./platform-flag.ts";
import { HISTORY_HEADERS, historyRow } from "./view.ts";
import { LIST_FORMAT_FLAG, quietFlag } from "../each.ts";

/** Prints an image's layers, newest first. */
export const history: Command = {
  usage: "[OPTIONS] IMAGE",
  short: "Show the history of an image",
  flags: [
    LIST_FORMAT_FLAG,
    {
      name: "human",
      short: "H",
      type: "bool",
      description: "Print sizes and dates in human readable format",
      default: true,
    },
    { name: "no-trunc", type: "bool", description: "Don't truncate output" },
    PLATFORM_FLAG,
    quietFlag("Only show image IDs"),
  ],
  args: { min: 1, max: 1 },
  action: async (ctx) => {
    const f = ctx.flags;
    const platform = platformJson(f.string("platform"));
    const items = await ctx
      .client()
      .images.history(ctx.args[0] ?? "", platform ? { platform } : {});
    const rows = items.map((h) =>
      historyRow(h, { trunc: !f.bool("no-trunc"), human: f.bool("human") }),
    );
    const quiet = f.bool("quiet");
    const defaultFormat = quiet
      ? "{{.ID}}"
      : "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}";
    ctx.io.stdout.write(
      formatList(
        {
          format: quiet && !f.string("format") ? "{{.ID}}" : f.string("format"),
          defaultFormat,
          headers: HISTORY_HEADERS,
        },
        rows,
      ),
    );
  },
};
