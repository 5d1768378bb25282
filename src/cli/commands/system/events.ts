/** `wharf events [--since] [--until] [--filter] [--format]`. */
import type { EventMessage } from "../../../client/index.ts";
import type { Command } from "../../command.ts";
import { formatEach } from "../../format/formatter.ts";
import { LIST_FORMAT_FLAG, parseFilters } from "../each.ts";

/** Docker's RFC3339NanoFixed in local time: 2006-01-02T15:04:05.000000000Z07:00. */
export function rfc3339NanoFixed(timeNano: number | bigint): string {
  const ns = BigInt(timeNano);
  const ms = Number(ns / 1_000_000n);
  const offsetMin = -new Date(ms).getTimezoneOffset();
  const d = new Date(ms + offsetMin * 60_000);
  const p = (n: number, w = 2): string => String(n).padStart(w, "0");
  const frac = String(ns % 1_000_000_000n).padStart(9, "0");
  const zone =
    offsetMin === 0
      ? "Z"
      : `${offsetMin > 0 ? "+" : "-"}${p(Math.trunc(Math.abs(offsetMin) / 60))}:${p(Math.abs(offsetMin) % 60)}`;
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}T${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${frac}${zone}`;
}

/** One event as Docker prints it without --format. */
export function eventLine(e: EventMessage): string {
  const attrs = Object.entries(e.Actor?.Attributes ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`);
  const time = e.timeNano
    ? rfc3339NanoFixed(e.timeNano)
    : rfc3339NanoFixed(BigInt(e.time) * 1_000_000_000n);
  return `${time} ${e.Type} ${e.Action} ${e.Actor?.ID ?? ""}${attrs.length ? ` (${attrs.join(", ")})` : ""}`;
}

/** Streams events until --until passes or the daemon ends the stream (ctrl-c otherwise). */
export const events: Command = {
  usage: "[OPTIONS]",
  short: "Get real time events from the server",
  flags: [
    {
      name: "filter",
      short: "f",
      type: "list",
      description: "Filter output based on conditions provided",
      valueName: "filter",
    },
    LIST_FORMAT_FLAG,
    {
      name: "since",
      type: "string",
      description: "Show all events created since timestamp",
    },
    {
      name: "until",
      type: "string",
      description: "Stream events until this timestamp",
    },
  ],
  args: { max: 0 },
  action: async (ctx) => {
    const since = ctx.flags.string("since");
    const until = ctx.flags.string("until");
    let format = ctx.flags.string("format");
    if (format === "json") format = "{{json .}}";
    const stream = ctx.client().system.events({
      filters: parseFilters(ctx.flags.list("filter")),
      ...(since ? { since } : {}),
      ...(until ? { until } : {}),
    });
    for await (const e of stream)
      ctx.io.stdout.write(
        format ? formatEach(format, [e]) : `${eventLine(e)}\n`,
      );
  },
};
