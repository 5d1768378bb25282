/** The loader's view of parsed YAML: mappings and scalars. */

/** A YAML mapping. */
export type Dict = Record<string, unknown>;

/** Whether a parsed value is a mapping (not a sequence, not null). */
export const isDict = (v: unknown): v is Dict =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** A scalar as text (objects are not expected where this is used). */
export const scalar = (v: unknown): string =>
  typeof v === "string" || typeof v === "number" || typeof v === "boolean"
    ? String(v)
    : "";
