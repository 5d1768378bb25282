/**
 * Column alignment like Go's text/tabwriter as the Docker CLI configures it
 * (minwidth 10, padding 3, pad with spaces): cells end at `\t`; the text after
 * a line's last tab is not padded. Columns are sized per block of consecutive
 * lines that have that column, as tabwriter does.
 */

/** Docker's formatter settings. */
export const TABLE_OPTIONS = { minWidth: 10, padding: 3 };

const width = (s: string): number => [...s].length;

/** Aligns tab-separated text; lines are joined with "\n" (a trailing newline is kept). */
export function alignTabs(
  text: string,
  options: { minWidth: number; padding: number } = TABLE_OPTIONS,
): string {
  const trailing = text.endsWith("\n");
  const lines = (trailing ? text.slice(0, -1) : text)
    .split("\n")
    .map((l) => l.split("\t"));
  const out: string[] = [];
  const widths: number[] = [];
  const write = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      const cells = lines[i] ?? [];
      out.push(
        cells
          .map((c, j) =>
            j < cells.length - 1 && j < widths.length
              ? c + " ".repeat(Math.max(0, (widths[j] ?? 0) - width(c)))
              : c,
          )
          .join(""),
      );
    }
  };
  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    let start = line0;
    for (let i = line0; i < line1; i++) {
      if (column >= (lines[i]?.length ?? 0) - 1) continue;
      write(start, i);
      start = i;
      let w = options.minWidth;
      for (; i < line1; i++) {
        const cells = lines[i] ?? [];
        if (column >= cells.length - 1) break;
        w = Math.max(w, width(cells[column] ?? "") + options.padding);
      }
      widths.push(w);
      format(start, i);
      widths.pop();
      start = i;
      i--;
    }
    write(start, line1);
  };
  format(0, lines.length);
  return out.join("\n") + (trailing ? "\n" : "");
}
