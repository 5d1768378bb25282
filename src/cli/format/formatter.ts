/**
 * Renders rows with Docker's --format conventions: "table" (the default) and
 * "table TEMPLATE" print a header row and align columns with tabwriter;
 * "json" prints `{{json .}}` per row; any other template prints one line per
 * row. Literal `\t` and `\n` in a template become a tab and a newline.
 */
import { alignTabs } from "./table.ts";
import { Template } from "./template.ts";

/** How one list command formats its rows. */
export type ListFormat = {
  /** The user's --format, undefined or "" for the default. */
  format: string | undefined;
  /** The default template, starting with "table ". */
  defaultFormat: string;
  /** Field name → header text (or a header function for methods), used to render the header row. */
  headers: Record<string, unknown>;
};

/** The effective template source with Docker's substitutions applied. */
export function resolveFormat(
  format: string | undefined,
  defaultFormat: string,
): string {
  let f = (format ?? "").trim();
  if (f === "" || f === "table") f = defaultFormat;
  else if (f === "json") f = "{{json .}}";
  return f.replace(/\\t/g, "\t").replace(/\\n/g, "\n");
}

/** Renders all rows to text ending in a newline (or "" for no output). Throws TemplateError. */
export function formatList(list: ListFormat, rows: readonly unknown[]): string {
  const source = resolveFormat(list.format, list.defaultFormat);
  const isTable = source.startsWith("table");
  const body = isTable ? source.replace(/^table\s*/, "") : source;
  const template = new Template(body);
  let out = "";
  if (isTable) out += template.execute(list.headers, { header: true }) + "\n";
  for (const row of rows) out += template.execute(row) + "\n";
  if (isTable) out = alignTabs(out);
  return isTable && out.trim() === "" ? "" : out;
}

/** Renders one value per template (inspect --format): output plus a newline. */
export function formatEach(format: string, values: readonly unknown[]): string {
  const template = new Template(
    format.replace(/\\t/g, "\t").replace(/\\n/g, "\n"),
  );
  return values.map((v) => template.execute(v) + "\n").join("");
}
