/**
 * The pattern of Docker's multi-object commands (stop a b c, rm, kill, pause,
 * rmi): act on each in order, print what succeeded to stdout at once, print
 * every failure to stderr, and exit 1 if any failed.
 */
import { parseFilterArgs } from "../../conventions/filters.ts";
import { humanSize } from "../../conventions/human.ts";
import { ClientError } from "../../client/index.ts";
import { errorMessage } from "../../util/errors.ts";
import { StatusError, type CommandContext } from "../command.ts";
import type { FlagSpec } from "../flags.ts";

/** Docker's text for an error from one item of a multi-object command. */
export function describeError(err: unknown): string {
  return err instanceof ClientError
    ? `Error response from daemon: ${err.message}`
    : errorMessage(err);
}

/**
 * Runs act for each name; act's string result (or the name; nothing for null) is printed. Throws
 * StatusError (exit 1) carrying the failures, optionally with a summary line.
 */
export async function forEachName(
  ctx: CommandContext,
  names: string[],
  act: (name: string) => Promise<string | null | void>,
  summary?: (failed: string[]) => string,
): Promise<void> {
  const errors: string[] = [];
  const failed: string[] = [];
  for (const name of names) {
    try {
      const out = await act(name);
      if (out !== null) ctx.io.stdout.write(`${out ?? name}\n`);
    } catch (err) {
      errors.push(describeError(err));
      failed.push(name);
    }
  }
  if (errors.length) {
    if (summary) errors.push(summary(failed));
    throw new StatusError(errors.join("\n"), 1);
  }
}

/** Parses repeated --filter key=value flags into the API's filters map. Throws StatusError on bad syntax. */
export function parseFilters(values: string[]): Record<string, string[]> {
  try {
    return parseFilterArgs(values);
  } catch (err) {
    const bad = values.find((v) => v.indexOf("=") <= 0) ?? "";
    throw new StatusError(
      `invalid argument "${bad}" for "-f, --filter" flag: ${(err as Error).message}`,
      125,
    );
  }
}

/** The common --format flag (Go template; "json" and "table" where the command has them). */
export const FORMAT_FLAG: FlagSpec = {
  name: "format",
  short: "f",
  type: "string",
  description: "Format output using a custom template",
};

/** --format of the list commands, whose -f is --filter: no short letter. */
export const LIST_FORMAT_FLAG: FlagSpec = {
  name: "format",
  type: "string",
  description: "Format output using a custom template",
};

/** -q/--quiet with the command's own help text. */
export function quietFlag(description: string): FlagSpec {
  return { name: "quiet", short: "q", type: "bool", description };
}

/** --change of commit and import: a Dockerfile instruction applied to the image config. */
export const CHANGE_FLAG: FlagSpec = {
  name: "change",
  short: "c",
  type: "list",
  description: "Apply Dockerfile instruction to the created image",
};

/** The common --filter flag. */
export const FILTER_FLAG = {
  name: "filter",
  short: "f",
  type: "list",
  description: "Provide filter values",
  valueName: "filter",
} as const;

/** Asks a yes/no question on stdin (Docker's prompt); false at EOF. */
export async function confirm(
  ctx: CommandContext,
  question: string,
): Promise<boolean> {
  ctx.io.stdout.write(`${question} [y/N] `);
  const line = await new Promise<string>((ok) => {
    let buf = "";
    const onData = (c: Buffer | string): void => {
      buf += c.toString();
      if (buf.includes("\n")) done();
    };
    const done = (): void => {
      ctx.io.stdin.off("data", onData);
      ctx.io.stdin.off("end", done);
      ctx.io.stdin.pause();
      ok(buf.split("\n")[0] ?? "");
    };
    ctx.io.stdin.on("data", onData);
    ctx.io.stdin.once("end", done);
    ctx.io.stdin.resume();
  });
  return /^\s*y(es)?\s*$/i.test(line);
}

/** The `--filter` and `-f/--force` flags every prune command takes. */
export const pruneFlags: FlagSpec[] = [
  {
    name: "filter",
    type: "list",
    description: 'Provide filter values (e.g. "until=<timestamp>")',
    valueName: "filter",
  },
  {
    name: "force",
    short: "f",
    type: "bool",
    description: "Do not prompt for confirmation",
  },
];

/**
 * The filters of a prune (`--filter`), or undefined when the user answered no
 * to `warning` (not asked with `--force`). Throws StatusError for a bad filter,
 * before asking.
 */
export async function pruneFilters(
  ctx: CommandContext,
  warning: string,
): Promise<Record<string, string[]> | undefined> {
  const filters = parseFilters(ctx.flags.list("filter"));
  return (await prunePermitted(ctx, warning)) ? filters : undefined;
}

/** What a prune prints: the objects removed under `title` (when any), then the space reclaimed. */
export function pruneReport(
  title: string,
  removed: string[] | null | undefined,
  reclaimed: number,
): string {
  const list = removed?.length ? `${title}:\n${removed.join("\n")}\n\n` : "";
  return `${list}Total reclaimed space: ${humanSize(reclaimed)}\n`;
}

/** True when a prune may go ahead: `--force` was given or the user said yes to `warning`. */
export async function prunePermitted(
  ctx: CommandContext,
  warning: string,
): Promise<boolean> {
  return (
    ctx.flags.bool("force") ||
    confirm(ctx, `${warning}\nAre you sure you want to continue?`)
  );
}
