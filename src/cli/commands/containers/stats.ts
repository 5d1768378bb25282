/** `wharf stats [OPTIONS] [CONTAINER...]`. */
import type { ContainerStatsResponse } from "../../../client/index.ts";
import type { Command, CommandContext } from "../../command.ts";
import { formatList } from "../../format/formatter.ts";
import { STATS_HEADERS, STATS_TABLE, statsRow } from "./stats-view.ts";
import { LIST_FORMAT_FLAG } from "../each.ts";

/**
 * Prints Docker's stats table: once with --no-stream, else redrawn every
 * second (ANSI clear + home, as the Docker CLI does) until interrupted or
 * every named container's stream has ended. Without arguments it follows
 * the running containers (all with -a), listed again on every redraw.
 */
export const stats: Command = {
  usage: "[OPTIONS] [CONTAINER...]",
  short: "Display a live stream of container(s) resource usage statistics",
  flags: [
    {
      name: "all",
      short: "a",
      type: "bool",
      description: "Show all containers (default shows just running)",
    },
    LIST_FORMAT_FLAG,
    {
      name: "no-stream",
      type: "bool",
      description: "Disable streaming stats and only pull the first result",
    },
    { name: "no-trunc", type: "bool", description: "Do not truncate output" },
  ],
  action: async (ctx) => {
    const render = (rows: ContainerStatsResponse[], given: string[]) =>
      formatList(
        {
          format: ctx.flags.string("format"),
          defaultFormat: STATS_TABLE,
          headers: STATS_HEADERS,
        },
        rows.map((s, i) =>
          statsRow(s, {
            container: given[i] ?? s.id,
            trunc: !ctx.flags.bool("no-trunc"),
          }),
        ),
      );
    if (ctx.flags.bool("no-stream")) {
      const targets = await targetsOf(ctx);
      const rows = await Promise.all(targets.map((t) => once(ctx, t)));
      ctx.io.stdout.write(render(rows, targets));
      return;
    }
    await live(ctx, render);
  },
};

/** The containers to show: the arguments, else the running (or all) containers' ids. */
async function targetsOf(ctx: CommandContext): Promise<string[]> {
  if (ctx.args.length) return ctx.args;
  const list = await ctx
    .client()
    .containers.list({ all: ctx.flags.bool("all") });
  return list.map((c) => c.Id);
}

async function once(
  ctx: CommandContext,
  id: string,
): Promise<ContainerStatsResponse> {
  for await (const s of ctx.client().containers.stats(id, { stream: false }))
    return s;
  throw new Error(`no stats received for ${id}`);
}

/** Streams every target and redraws the table each second. */
async function live(
  ctx: CommandContext,
  render: (rows: ContainerStatsResponse[], given: string[]) => string,
): Promise<void> {
  const latest = new Map<string, ContainerStatsResponse>();
  const streams = new Map<string, AbortController>();
  const ended = new Set<string>();
  const follow = (id: string) => {
    const ac = new AbortController();
    streams.set(id, ac);
    void (async () => {
      try {
        for await (const s of ctx
          .client()
          .containers.stats(id, { signal: ac.signal }))
          latest.set(id, s);
      } catch (err) {
        ctx.io.stderr.write(`${(err as Error).message}\n`);
      } finally {
        ended.add(id);
      }
    })();
  };
  const named = ctx.args.length > 0;
  for (;;) {
    const targets = await targetsOf(ctx);
    for (const id of targets) if (!streams.has(id)) follow(id);
    for (const [id, ac] of streams)
      if (!targets.includes(id)) {
        ac.abort();
        streams.delete(id);
        latest.delete(id);
      }
    const shown = targets.filter((id) => latest.has(id));
    ctx.io.stdout.write(
      "\x1b[2J\x1b[H" +
        render(
          shown.map((id) => latest.get(id)!),
          shown,
        ),
    );
    if (named && targets.every((id) => ended.has(id))) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
}
