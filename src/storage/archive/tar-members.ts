import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import tar, { type Header } from "tar-stream";
import { InvalidArgumentError } from "../../util/errors.ts";
import { decompress } from "./compression.ts";

/**
 * Runs fn on each member of a tar stream (plain or compressed), one after
 * the other, draining whatever fn leaves unread of a member's body. A
 * malformed or truncated archive is an InvalidArgumentError
 * "<what>: <parser message>"; any other error (fn's, the source's, an
 * abort through signal) stops the stream and is thrown as it is.
 */
export async function forEachMember(
  source: Readable,
  fn: (header: Header, body: Readable) => Promise<void>,
  options: { what: string; signal?: AbortSignal },
): Promise<void> {
  const extract = tar.extract();
  const pumping = pipeline(
    await decompress(source),
    extract,
    options.signal ? { signal: options.signal } : {},
  );
  try {
    for await (const entry of extract) {
      await fn(entry.header, entry as unknown as Readable);
      for await (const _ of entry) void _;
    }
    await pumping;
  } catch (err) {
    extract.destroy();
    await pumping.catch(() => undefined);
    if (
      err instanceof Error &&
      /Invalid tar header|Unexpected end/.test(err.message)
    )
      throw new InvalidArgumentError(`${options.what}: ${err.message}`);
    throw err;
  }
}
