import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { test } from "node:test";
import { gunzipSync } from "node:zlib";
import { GzipLayer, looksIncompressible } from "./gzip-layer.ts";

/** Gzips `data` fed in pieces of `piece` bytes. */
async function gzip(data: Buffer, piece = 100_000): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += piece)
    parts.push(data.subarray(i, i + piece));
  return buffer(Readable.from(parts).pipe(new GzipLayer()));
}

const text = Buffer.from(
  Array.from({ length: 120_000 }, (_, i) => `line ${i} of ${i % 97}\n`).join(
    "",
  ),
);

test("output is one gzip member that gunzip reads back", async () => {
  for (const data of [
    Buffer.alloc(0),
    Buffer.from("x"),
    text,
    randomBytes(3 * 1024 * 1024 + 7),
    Buffer.concat([randomBytes(1 << 20), text, Buffer.alloc(1 << 20)]),
  ])
    assert.ok(gunzipSync(await gzip(data)).equals(data));
});

test("the same input gives the same bytes, however it is cut", async () => {
  const data = Buffer.concat([text, randomBytes(2 << 20), text]);
  const a = await gzip(data, 65_536);
  const b = await gzip(data, 1_000_003);
  assert.ok(a.equals(b));
});

test("compressible blocks are deflated, random ones stored", async () => {
  assert.ok((await gzip(text)).length < text.length / 3);
  const noise = randomBytes(4 << 20);
  const out = await gzip(noise);
  // Stored blocks: 5 bytes per 64 KiB, plus header and trailer.
  assert.ok(out.length < noise.length * 1.001);
  assert.equal(looksIncompressible(noise), true);
  assert.equal(looksIncompressible(text), false);
  assert.equal(looksIncompressible(Buffer.alloc(1 << 20)), false);
});
