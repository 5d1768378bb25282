/** `compose ls`: projects found by their containers' labels. */
import { LABEL } from "../../../compose/labels.ts";
import { allProjects } from "../../../compose/state.ts";
import { alignTabs } from "../../format/table.ts";
import type { ComposeCommand } from "./context.ts";

/** `compose ls`. */
export const ls: ComposeCommand = {
  usage: "[OPTIONS]",
  short: "List running compose projects",
  flags: [
    {
      name: "all",
      short: "a",
      type: "bool",
      description: "Show all stopped Compose projects",
    },
    {
      name: "quiet",
      short: "q",
      type: "bool",
      description: "Only display project names.",
    },
    {
      name: "format",
      type: "string",
      description: "Format the output. Values: [table | json]",
      default: "table",
    },
    {
      name: "filter",
      type: "list",
      description: "Filter output based on conditions provided",
    },
  ],
  action: async (ctx) => {
    const projects = await allProjects(ctx.client());
    const rows = [...projects.entries()]
      .map(([name, cs]) => {
        const counts = new Map<string, number>();
        for (const c of cs) counts.set(c.State, (counts.get(c.State) ?? 0) + 1);
        const status = [...counts.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([s, n]) => `${s}(${n})`)
          .join(", ");
        const files = cs[0]?.Labels[LABEL.configFiles] ?? "";
        return {
          Name: name,
          Status: status,
          ConfigFiles: files,
          running: counts.get("running") ?? 0,
        };
      })
      .filter((r) => ctx.flags.bool("all") || r.running > 0)
      .sort((a, b) => a.Name.localeCompare(b.Name));
    const out = ctx.io.stdout;
    if (ctx.flags.bool("quiet"))
      out.write(rows.map((r) => `${r.Name}\n`).join(""));
    else if (ctx.flags.string("format") === "json")
      out.write(
        `${JSON.stringify(rows.map(({ Name, Status, ConfigFiles }) => ({ Name, Status, ConfigFiles })))}\n`,
      );
    else
      out.write(
        alignTabs(
          `NAME\tSTATUS\tCONFIG FILES\n${rows.map((r) => `${r.Name}\t${r.Status}\t${r.ConfigFiles}\n`).join("")}`,
          { minWidth: 0, padding: 3 },
        ),
      );
  },
};
