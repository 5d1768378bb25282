import { createReadStream } from "node:fs";
import { decompress } from "./compression.ts";

const BLOCK = 512;

/**
 * Whether the file at path is a tar archive, plain or compressed (gzip,
 * bzip2, xz, zstd): moby's IsArchivePath, which ADD uses to decide whether
 * to unpack a local source. True when the first 512-byte block, once
 * decompressed, is a tar header whose checksum holds; an empty archive or
 * any other file is false (ADD then copies it as it is).
 */
export async function isTarArchive(path: string): Promise<boolean> {
  const file = createReadStream(path);
  try {
    const plain = await decompress(file);
    const chunks: Buffer[] = [];
    let got = 0;
    try {
      for await (const c of plain) {
        chunks.push(c as Buffer);
        got += (c as Buffer).length;
        if (got >= BLOCK) break;
      }
    } finally {
      plain.destroy();
    }
    return got >= BLOCK && headerChecksumHolds(Buffer.concat(chunks));
  } catch {
    return false;
  } finally {
    file.destroy();
  }
}

/** The tar header's checksum: the byte sum with the checksum field read as spaces. */
export function headerChecksumHolds(block: Buffer): boolean {
  if (block.length < BLOCK) return false;
  const field = block
    .subarray(148, 156)
    .toString("latin1")
    .replace(/[\0 ]+$/, "")
    .trim();
  if (!/^[0-7]+$/.test(field)) return false;
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  return sum === parseInt(field, 8);
}
