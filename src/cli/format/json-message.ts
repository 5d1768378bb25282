/**
 * Draws a stream of Docker JSON progress messages as the Docker CLI does
 * (moby pkg/jsonmessage DisplayJSONMessagesStream): on a terminal one line
 * per id ("a1b2c3d4e5f6: Downloading [==>   ] 1.2MB/3.4MB"), redrawn in
 * place with cursor movements; elsewhere plain lines, without the byte
 * counts. Used by pull, push and load.
 */
import type { Readable } from "node:stream";
import { jsonLines } from "../../client/index.ts";
import { humanSize } from "../../conventions/human.ts";

/** One message as the daemon streams it. */
export type WireMessage = {
  status?: string;
  id?: string;
  stream?: string;
  progress?: string;
  progressDetail?: {
    current?: number;
    total?: number;
    units?: string;
    hidecounts?: boolean;
  };
  error?: string;
  errorDetail?: { message?: string };
  aux?: Record<string, unknown>;
};

/** Where the drawing goes. */
export type Screen = NodeJS.WritableStream & {
  isTTY?: boolean;
  columns?: number;
};

/**
 * moby's JSONProgress.String: a 50-wide bar when the terminal is wider than
 * 110 columns, then "current/total"; "" when there is nothing to show.
 */
export function progressString(
  d: NonNullable<WireMessage["progressDetail"]>,
  columns: number,
): string {
  const current = d.current ?? 0;
  const total = d.total ?? 0;
  if (current <= 0 && total <= 0) return "";
  if (total <= 0)
    return d.units ? `${current} ${d.units}` : humanSize(current).padStart(8);
  const pct = Math.min(50, Math.trunc(Math.trunc((current / total) * 100) / 2));
  const bar =
    columns > 110 ? `[${"=".repeat(pct)}>${" ".repeat(50 - pct)}] ` : "";
  if (d.hidecounts) return bar;
  if (d.units) return `${bar}${current}/${total} ${d.units}`;
  const numbers =
    current > total
      ? humanSize(current).padStart(8)
      : `${humanSize(current).padStart(8)}/${humanSize(total)}`;
  return bar + numbers;
}

/**
 * Reads the stream to its end, drawing each message; `onAux` receives aux
 * messages (push's digest). Throws an Error with the daemon's text on the
 * first message that carries an error.
 */
export async function displayJsonMessages(
  source: Readable,
  out: Screen,
  options: { onAux?: (aux: Record<string, unknown>) => void } = {},
): Promise<void> {
  const tty = out.isTTY === true;
  let ids = new Map<string, number>();
  for await (const m of jsonLines<WireMessage>(source)) {
    if (m.error || m.errorDetail)
      throw new Error(m.errorDetail?.message ?? m.error);
    if (m.aux) {
      options.onAux?.(m.aux);
      continue;
    }
    const hasProgress = m.progressDetail !== undefined;
    let diff = 0;
    if (m.id && (hasProgress || m.progress)) {
      let line = ids.get(m.id);
      if (line === undefined) {
        line = ids.size;
        ids.set(m.id, line);
        if (tty) out.write("\n");
      }
      diff = ids.size - line;
      if (tty) out.write(`\x1b[${diff}A`);
    } else {
      // compat: anything without an id ends the block of redrawn lines.
      ids = new Map();
    }
    out.write(render(m, tty, out.columns ?? 80));
    if (m.id && tty && diff > 0) out.write(`\x1b[${diff}B`);
  }
}

/** moby's JSONMessage.Display for one message. */
function render(m: WireMessage, tty: boolean, columns: number): string {
  const bar = m.progressDetail ? progressString(m.progressDetail, columns) : "";
  let text = "";
  let endl = "";
  if (tty && !m.stream && m.progressDetail) {
    endl = "\r";
    text += "\x1b[2K\r";
  } else if (bar !== "") {
    // compat: no byte counts off a terminal.
    return "";
  }
  if (m.id) text += `${m.id}: `;
  const status = m.status ?? "";
  if (m.progressDetail && tty) text += `${status} ${bar}${endl}`;
  else if (m.progress) text += `${status} ${m.progress}${endl}`;
  else if (m.stream) text += `${m.stream}${endl}`;
  else text += `${status}${endl}\n`;
  return text;
}
