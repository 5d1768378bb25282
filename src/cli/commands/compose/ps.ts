/** `compose ps`: the project's containers (running ones unless -a) as compose v2 shows them. */
import type { ContainerSummary } from "../../../client/index.ts";
import { LABEL } from "../../../compose/labels.ts";
import { nameOf, projectContainers } from "../../../compose/state.ts";
import { alignTabs } from "../../format/table.ts";
import { Template } from "../../format/template.ts";
import { timeAgo } from "../../format/units.ts";
import type { ComposeCommand } from "./context.ts";
import { projectOrName } from "./down.ts";

/** The publishers text compose prints: "0.0.0.0:8080->80/tcp, 443/tcp". */
export function portsText(c: ContainerSummary): string {
  const ports =
    (c.Ports as {
      IP?: string;
      PrivatePort: number;
      PublicPort?: number;
      Type: string;
    }[]) ?? [];
  return ports
    .map((p) =>
      p.PublicPort
        ? `${p.IP ?? ""}${p.IP ? ":" : ""}${p.PublicPort}->${p.PrivatePort}/${p.Type}`
        : `${p.PrivatePort}/${p.Type}`,
    )
    .join(", ");
}

function row(c: ContainerSummary) {
  return {
    ID: c.Id,
    Name: nameOf(c),
    Names: nameOf(c),
    Image: c.Image,
    Command: c.Command,
    Project: c.Labels[LABEL.project] ?? "",
    Service: c.Labels[LABEL.service] ?? "",
    Created: c.Created,
    CreatedAt: timeAgo(c.Created),
    State: c.State,
    Status: c.Status,
    Health:
      /\((healthy|unhealthy|health: starting)\)/
        .exec(c.Status)?.[1]
        ?.replace("health: ", "") ?? "",
    ExitCode: Number(/Exited \((\d+)\)/.exec(c.Status)?.[1] ?? 0),
    Ports: portsText(c),
    Labels: Object.entries(c.Labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(","),
    Publishers: c.Ports,
  };
}

/** `compose ps`. */
export const ps: ComposeCommand = {
  usage: "[OPTIONS] [SERVICE...]",
  short: "List containers",
  flags: [
    {
      name: "all",
      short: "a",
      type: "bool",
      description:
        "Show all stopped containers (including those created by the run command)",
    },
    {
      name: "quiet",
      short: "q",
      type: "bool",
      description: "Only display IDs",
    },
    { name: "services", type: "bool", description: "Display services" },
    {
      name: "format",
      type: "string",
      description:
        "Format output using a custom template:\n'table': Print output in table format with column headers (default)\n'json': Print in JSON format",
      default: "table",
    },
    {
      name: "status",
      type: "list",
      description:
        "Filter services by status. Values: [paused | restarting | removing | running | dead | created | exited]",
    },
    {
      name: "filter",
      type: "string",
      description: "Filter services by a property (supported filters: status)",
    },
    { name: "no-trunc", type: "bool", description: "Don't truncate output" },
    {
      name: "orphans",
      type: "bool",
      description: "Include orphaned services (not declared by project)",
      default: true,
    },
  ],
  action: async (ctx) => {
    const project = projectOrName(ctx);
    const fl = ctx.flags;
    const statuses = [
      ...fl.list("status"),
      ...(fl.string("filter")?.startsWith("status=")
        ? [fl.string("filter")?.slice(7) ?? ""]
        : []),
    ];
    let list = await projectContainers(ctx.client(), project.name, {
      all: fl.bool("all") || statuses.length > 0,
      oneoff: fl.bool("all") ? "any" : false,
      services: ctx.args,
    });
    if (statuses.length) list = list.filter((c) => statuses.includes(c.State));
    const out = ctx.io.stdout;
    if (fl.bool("services")) {
      out.write(
        [...new Set(list.map((c) => c.Labels[LABEL.service] ?? ""))]
          .map((s) => `${s}\n`)
          .join(""),
      );
      return;
    }
    if (fl.bool("quiet")) {
      out.write(
        list
          .map((c) => `${fl.bool("no-trunc") ? c.Id : c.Id.slice(0, 12)}\n`)
          .join(""),
      );
      return;
    }
    const format = fl.string("format") ?? "table";
    if (format === "json") {
      out.write(list.map((c) => `${JSON.stringify(row(c))}\n`).join(""));
      return;
    }
    if (format !== "table" && !format.startsWith("table ")) {
      const t = new Template(format);
      out.write(list.map((c) => `${t.execute(row(c))}\n`).join(""));
      return;
    }
    const lines = [
      [
        "NAME",
        "IMAGE",
        "COMMAND",
        "SERVICE",
        "CREATED",
        "STATUS",
        "PORTS",
      ].join("\t"),
    ];
    for (const c of list) {
      const r = row(c);
      const cmd = fl.bool("no-trunc")
        ? r.Command
        : r.Command.length > 20
          ? `${r.Command.slice(0, 19)}…`
          : r.Command;
      lines.push(
        [
          r.Name,
          r.Image,
          JSON.stringify(cmd),
          r.Service,
          r.CreatedAt,
          r.Status,
          r.Ports,
        ].join("\t"),
      );
    }
    out.write(alignTabs(`${lines.join("\n")}\n`, { minWidth: 0, padding: 3 }));
  },
};
