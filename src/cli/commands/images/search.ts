/** `wharf search [--limit N] [-f FILTER] [--no-trunc] [--format F] TERM`. */
import type { Command } from "../../command.ts";
import { formatList } from "../../format/formatter.ts";
import { FILTER_FLAG, parseFilters } from "../each.ts";
import { CredentialStore, serverForImage } from "./credentials.ts";

const HEADERS = {
  Name: "NAME",
  Description: "DESCRIPTION",
  StarCount: "STARS",
  IsOfficial: "OFFICIAL",
  IsAutomated: "AUTOMATED",
};

/** Docker's formatter.Ellipsis: at most `max` characters, the last one "…" when cut. */
function ellipsis(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : chars.slice(0, max - 1).join("") + "…";
}

/**
 * Searches a registry through the daemon (GET /images/search). A term
 * without a registry host searches Docker Hub, as the Docker CLI does.
 */
export const search: Command = {
  usage: "[OPTIONS] TERM",
  short: "Search Docker Hub for images",
  flags: [
    {
      ...FILTER_FLAG,
      description: "Filter output based on conditions provided",
    },
    {
      name: "format",
      type: "string",
      description: "Pretty-print search using a Go template",
    },
    {
      name: "limit",
      type: "int",
      description: "Max number of search results",
    },
    {
      name: "no-trunc",
      type: "bool",
      description: "Don't truncate output",
    },
  ],
  args: { min: 1, max: 1 },
  action: async (ctx) => {
    const term = ctx.args[0] ?? "";
    const limit = ctx.flags.int("limit");
    const auth = new CredentialStore(ctx.env).get(serverForImage(term));
    const results = await ctx.client().registry.search(term, {
      filters: parseFilters(ctx.flags.list("filter")),
      ...(limit !== undefined && limit > 0 ? { limit } : {}),
      ...(auth ? { auth } : {}),
    });
    const trunc = !ctx.flags.bool("no-trunc");
    const rows = results.map((r) => {
      // compat: the Docker CLI puts descriptions on one line and cuts them at 45.
      const desc = r.description.replace(/[\r\n]/g, " ");
      return {
        Name: r.name,
        Description: trunc ? ellipsis(desc, 45) : desc,
        StarCount: String(r.star_count),
        IsOfficial: r.is_official ? "[OK]" : "",
        IsAutomated: r.is_automated ? "[OK]" : "",
      };
    });
    ctx.io.stdout.write(
      formatList(
        {
          format: ctx.flags.string("format"),
          defaultFormat:
            "table {{.Name}}\t{{.Description}}\t{{.StarCount}}\t{{.IsOfficial}}",
          headers: HEADERS,
        },
        rows,
      ),
    );
  },
};
