/** `wharf images` / `wharf image ls`. */
import type { Command } from "../../command.ts";
import { formatList } from "../../format/formatter.ts";
import {
  FILTER_FLAG,
  LIST_FORMAT_FLAG,
  parseFilters,
  quietFlag,
} from "../each.ts";
import { IMAGE_HEADERS, imageRows } from "./view.ts";

/** Lists images as Docker's table, --format, or -q ids. */
export const ls: Command = {
  usage: "[OPTIONS] [REPOSITORY[:TAG]]",
  short: "List images",
  flags: [
    {
      name: "all",
      short: "a",
      type: "bool",
      description: "Show all images (default hides intermediate images)",
    },
    { name: "digests", type: "bool", description: "Show digests" },
    FILTER_FLAG,
    LIST_FORMAT_FLAG,
    { name: "no-trunc", type: "bool", description: "Don't truncate output" },
    quietFlag("Only show image IDs"),
  ],
  args: { max: 1 },
  action: async (ctx) => {
    const f = ctx.flags;
    const filters = parseFilters(f.list("filter"));
    if (ctx.args[0]) (filters.reference ??= []).push(ctx.args[0]);
    const digests = f.bool("digests");
    const images = await ctx
      .client()
      .images.list({ all: f.bool("all"), digests, filters });
    const rows = imageRows(images, { trunc: !f.bool("no-trunc"), digests });
    const quiet = f.bool("quiet");
    const defaultFormat = quiet
      ? "{{.ID}}"
      : `table {{.Repository}}\t{{.Tag}}${digests ? "\t{{.Digest}}" : ""}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}`;
    ctx.io.stdout.write(
      formatList(
        {
          format: quiet && !f.string("format") ? "{{.ID}}" : f.string("format"),
          defaultFormat,
          headers: IMAGE_HEADERS,
        },
        rows,
      ),
    );
  },
};
