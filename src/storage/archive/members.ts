import { mkdir, symlink } from "node:fs/promises";
import type { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import tar, { type Header } from "tar-stream";
import { InvalidArgumentError } from "../../util/errors.ts";
import {
  makeSpecialFile,
  unhandledType,
  writeRegularFile,
} from "./special-files.ts";

/** How {@link forEachMember} reads a tar stream. */
export type MemberReadOptions = {
  /** A stage every uncompressed byte passes through before the tar parser (hashing, teeing). */
  through?: Transform;
  /** Aborts the read. */
  signal?: AbortSignal;
  /** The start of the error for a malformed tar: "invalid tar archive" unless told. */
  invalid?: string;
};

/**
 * Calls onMember for each member of an uncompressed tar stream, in order,
 * and waits for it before reading on; what onMember leaves of a member's
 * body is drained. A malformed tar (a bad header checksum, a truncated
 * stream) throws InvalidArgumentError `<invalid>: <parser's message>`; a
 * source that fails mid-member fails that member's body too, so a reader
 * of it never waits forever.
 */
export async function forEachMember(
  source: Readable,
  onMember: (h: Header, body: Readable) => Promise<void>,
  options: MemberReadOptions = {},
): Promise<void> {
  const extract = tar.extract();
  const how = options.signal ? { signal: options.signal } : {};
  const pumping = options.through
    ? pipeline(source, options.through, extract, how)
    : pipeline(source, extract, how);
  let current: Readable | undefined;
  pumping.catch((err: Error) => current?.destroy(err));
  try {
    for await (const entry of extract) {
      current = entry as unknown as Readable;
      await onMember(entry.header, current);
      for await (const _ of entry) void _; // drain what onMember did not read
    }
    await pumping;
  } catch (err) {
    extract.destroy();
    await pumping.catch(() => undefined);
    if (
      err instanceof Error &&
      /Invalid tar header|Unexpected end/.test(err.message)
    )
      throw new InvalidArgumentError(
        `${options.invalid ?? "invalid tar archive"}: ${err.message}`,
      );
    throw err;
  }
}

/**
 * Creates the object a tar member describes at `at`, which does not exist
 * yet (or, with `exists`, is a directory a directory member keeps):
 * a directory, a regular file (its body written), a symlink, a device
 * node or a fifo, with the member's permission bits. A hard link is made
 * by `hardlink`, since where its target lies depends on the extractor.
 * Owners, modes of existing directories and times are the caller's.
 * Returns the bytes of a regular file's body, else 0.
 */
export async function createMember(
  h: Header,
  at: string,
  body: Readable,
  exists: boolean,
  hardlink: (linkname: string) => Promise<void>,
): Promise<number> {
  const mode = (h.mode ?? 0o644) & 0o7777;
  switch (h.type) {
    case "directory":
      if (!exists) await mkdir(at, { mode });
      return 0;
    case "file":
    case "contiguous-file":
    case undefined:
    case null:
      await writeRegularFile(at, body, mode);
      return h.size ?? 0;
    case "symlink":
      await symlink(h.linkname ?? "", at);
      return 0;
    case "link":
      await hardlink(h.linkname ?? "");
      return 0;
    default:
      if (!makeSpecialFile(h, at, mode)) throw unhandledType(h);
      return 0;
  }
}

/** The error for a hard link member whose target names the root itself. */
export function invalidHardlink(h: Header): InvalidArgumentError {
  return new InvalidArgumentError(`invalid hardlink ${JSON.stringify(h.name)}`);
}
