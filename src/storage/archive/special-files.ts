import { constants } from "node:fs";
import { open } from "node:fs/promises";
import type { Readable } from "node:stream";
import type { Header } from "tar-stream";
import { InvalidArgumentError } from "../../util/errors.ts";
import { S_IFBLK, S_IFCHR, S_IFIFO, makedev, mknod } from "../syscalls.ts";

/**
 * Makes the device node or fifo a tar member describes at path (mknod with
 * the member's permission bits in `mode`). Returns false for any other
 * member type, which the caller creates itself.
 */
export function makeSpecialFile(
  h: Header,
  path: string,
  mode: number,
): boolean {
  switch (h.type) {
    case "character-device":
    case "block-device": {
      const kind = h.type === "character-device" ? S_IFCHR : S_IFBLK;
      mknod(path, kind | mode, makedev(h.devmajor ?? 0, h.devminor ?? 0));
      return true;
    }
    case "fifo":
      mknod(path, S_IFIFO | mode);
      return true;
    default:
      return false;
  }
}

/**
 * Writes a regular file member's body to a new file at path with the given
 * permission bits. O_EXCL: never onto an existing file, and (with
 * O_NOFOLLOW) never through a symlink planted at path.
 */
export async function writeRegularFile(
  path: string,
  body: Readable,
  mode: number,
): Promise<void> {
  const fh = await open(
    path,
    constants.O_WRONLY |
      constants.O_CREAT |
      constants.O_EXCL |
      constants.O_NOFOLLOW,
    mode,
  );
  try {
    // Gathered into 1 MiB writevs: tar bodies arrive in gunzip-sized pieces.
    let batch: Buffer[] = [];
    let bytes = 0;
    for await (const chunk of body) {
      batch.push(chunk as Buffer);
      bytes += (chunk as Buffer).length;
      if (bytes >= 1 << 20) {
        await fh.writev(batch);
        batch = [];
        bytes = 0;
      }
    }
    if (batch.length > 0) await fh.writev(batch);
  } finally {
    await fh.close();
  }
}

/** The error for a tar member type neither extractor handles. */
export function unhandledType(h: Header): InvalidArgumentError {
  return new InvalidArgumentError(
    `unhandled tar header type ${String(h.type)} for ${h.name}`,
  );
}
