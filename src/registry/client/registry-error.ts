import type { IncomingMessage } from "node:http";
import { readBody } from "./http.ts";

/** One entry of a registry's `{"errors": [...]}` body (distribution spec "Error Codes"). */
export type RegistryErrorEntry = {
  code: string;
  message?: string;
  detail?: unknown;
};

/**
 * A registry answered with an error status. `message` reads as Docker's
 * (distribution's errcode: "<code text>: <message>"); `codes` holds the
 * distribution error codes for callers that branch on them.
 * TODO(pull): use registry/protocol/errors.ts once the registry server's catalog lands on main.
 */
export class RegistryResponseError extends Error {
  override name = "RegistryResponseError";
  readonly status: number;
  readonly codes: string[];
  constructor(message: string, status: number, codes: string[]) {
    super(message);
    this.status = status;
    this.codes = codes;
  }
}

/** Reads an error response and builds a RegistryResponseError (body capped at 64 KiB). */
export async function responseError(
  res: IncomingMessage,
): Promise<RegistryResponseError> {
  const status = res.statusCode ?? 0;
  let body: Buffer = Buffer.alloc(0);
  try {
    body = await readBody(res, 64 * 1024);
  } catch {
    // an unreadable body still has a status
  }
  const entries = parseErrors(body);
  if (entries.length === 0)
    return new RegistryResponseError(
      `unexpected status from registry: ${status} ${res.statusMessage ?? ""}`.trim(),
      status,
      [],
    );
  const texts = entries.map(entryText);
  // compat: distribution's errcode.Errors prints one error bare, several as a list.
  const message =
    texts.length === 1 ? texts[0]! : `errors:\n${texts.join("\n")}\n`;
  return new RegistryResponseError(
    message,
    status,
    entries.map((e) => e.code),
  );
}

/** The errors of a distribution error body, or [] when it is not one. */
export function parseErrors(body: Buffer): RegistryErrorEntry[] {
  try {
    const doc = JSON.parse(body.toString()) as { errors?: unknown };
    if (!Array.isArray(doc.errors)) return [];
    return doc.errors.filter(
      (e): e is RegistryErrorEntry =>
        typeof e === "object" &&
        e !== null &&
        typeof (e as { code?: unknown }).code === "string",
    );
  } catch {
    return [];
  }
}

/** "manifest unknown: manifest unknown", as errcode.Error.Error() prints. */
function entryText(e: RegistryErrorEntry): string {
  const codeText = e.code.toLowerCase().replace(/_/g, " ");
  return `${codeText}: ${e.message ?? codeText}`;
}
