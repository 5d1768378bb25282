/**
 * What an image transfer may leave in a daemon's data root when it fails or
 * the daemon dies: content blobs and ingests, layer records, overlay
 * snapshot dirs (image layers, extract-* temporaries, .tmp-*), short-name
 * links, image records and scratch dirs. A test that expects "nothing
 * half-made" asserts this list is empty (or equals what it kept on purpose).
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { TestDaemon } from "../harness.ts";

function entries(dir: string, ignore: string[] = []): string[] {
  try {
    return readdirSync(dir).filter((n) => !ignore.includes(n));
  } catch {
    return [];
  }
}

/** Relative paths of transfer leftovers under the daemon's data root, sorted. */
export async function dataLeftovers(d: TestDaemon): Promise<string[]> {
  const root = join(d.dir, "data");
  const out: string[] = [];
  const add = (rel: string, ignore: string[] = []): void => {
    for (const n of entries(join(root, rel), ignore)) out.push(`${rel}/${n}`);
  };
  add("content/blobs/sha256");
  add("content/ingest");
  add("overlay", ["l"]);
  add("overlay/l", [".empty"]);
  add("image/layers");
  add("image/images");
  add("tmp");
  return out.sort();
}
