/** `wharf volume ls [-q] [--filter …] [--format …]`. */
import type { Command } from "../../command.ts";
import { formatList } from "../../format/formatter.ts";
import {
  FILTER_FLAG,
  LIST_FORMAT_FLAG,
  parseFilters,
  quietFlag,
} from "../each.ts";

const HEADERS = {
  Driver: "DRIVER",
  Name: "VOLUME NAME",
  Scope: "SCOPE",
  Mountpoint: "MOUNTPOINT",
  Labels: "LABELS",
  Links: "LINKS",
  Size: "SIZE",
};

/** Lists volumes as Docker's table, --format, or -q names. */
export const ls: Command = {
  usage: "[OPTIONS]",
  short: "List volumes",
  flags: [
    FILTER_FLAG,
    LIST_FORMAT_FLAG,
    quietFlag("Only display volume names"),
  ],
  args: { max: 0 },
  action: async (ctx) => {
    const f = ctx.flags;
    const { Volumes } = await ctx
      .client()
      .volumes.list({ filters: parseFilters(f.list("filter")) });
    const rows = Volumes.map((v) => ({
      Name: v.Name,
      Driver: v.Driver,
      Scope: v.Scope,
      Mountpoint: v.Mountpoint,
      // compat: Docker's volume Labels column is "k=v,k2=v2".
      Labels: Object.entries(v.Labels ?? {})
        .map(([k, val]) => `${k}=${val}`)
        .join(","),
      Links: "N/A",
      Size: "N/A",
    }));
    const quiet = f.bool("quiet");
    ctx.io.stdout.write(
      formatList(
        {
          format:
            quiet && !f.string("format") ? "{{.Name}}" : f.string("format"),
          defaultFormat: quiet ? "{{.Name}}" : "table {{.Driver}}\t{{.Name}}",
          headers: HEADERS,
        },
        rows,
      ),
    );
  },
};
