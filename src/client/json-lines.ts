/**
 * Streams of JSON values as /events, /images/load and /images/create send
 * them: one object after another, usually newline separated.
 */
import type { Readable } from "node:stream";

/** A progress message of load, import or pull (Docker's jsonmessage). */
export type JsonMessage = {
  stream?: string;
  status?: string;
  id?: string;
  progress?: string;
  error?: string;
  errorDetail?: { message: string; code?: number };
  aux?: Record<string, unknown>;
};

/** Yields each JSON value of the stream; a torn trailing value is an error. */
export async function* jsonLines<T>(source: Readable): AsyncGenerator<T> {
  let buf = "";
  for await (const chunk of source) {
    buf += (chunk as Buffer).toString("utf8");
    let nl: number;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (line) yield JSON.parse(line) as T;
    }
  }
  if (buf.trim()) yield JSON.parse(buf) as T;
}

/**
 * Yields progress messages, throwing an Error with the daemon's text on the
 * first message that carries `error`.
 */
export async function* progressMessages(
  source: Readable,
): AsyncGenerator<JsonMessage> {
  for await (const msg of jsonLines<JsonMessage>(source)) {
    if (msg.error || msg.errorDetail)
      throw new Error(msg.errorDetail?.message ?? msg.error);
    yield msg;
  }
}
