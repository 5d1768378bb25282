import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { decompress, detectCompression } from "./compression.ts";

const encoders = {
  bzip2: ["bzip2", "-c"],
  xz: ["xz", "-c"],
  zstd: ["zstd", "-c", "-q"],
} as const;

function have(bin: string): boolean {
  return spawnSync(bin, ["--version"]).status === 0;
}

function encode(kind: keyof typeof encoders, data: Buffer): Buffer {
  const [bin, ...args] = encoders[kind];
  const r = spawnSync(bin, args, { input: data, maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, String(r.stderr));
  return r.stdout;
}

async function readAll(s: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

test("detectCompression() names each format by its magic bytes", () => {
  assert.equal(detectCompression(gzipSync("x")), "gzip");
  assert.equal(detectCompression(Buffer.from("BZh91AY")), "bzip2");
  assert.equal(
    detectCompression(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])),
    "xz",
  );
  assert.equal(
    detectCompression(Buffer.from([0x28, 0xb5, 0x2f, 0xfd])),
    "zstd",
  );
  assert.equal(detectCompression(Buffer.from("ustar")), "none");
});

test("decompress() passes plain data through and inflates gzip", async () => {
  const data = randomBytes(100_000);
  assert.deepEqual(
    await readAll(await decompress(Readable.from([data]))),
    data,
  );
  assert.deepEqual(
    await readAll(await decompress(Readable.from([gzipSync(data)]))),
    data,
  );
});

for (const kind of Object.keys(encoders) as (keyof typeof encoders)[]) {
  const bin = encoders[kind][0];
  test(`decompress() decodes ${kind} through ${bin}`, async (t) => {
    if (!have(bin)) return t.skip(`${bin} is not installed`);
    // Larger than a pipe's buffer, in small chunks: the decoder is fed as a stream.
    const data = Buffer.concat([
      randomBytes(300_000),
      Buffer.alloc(300_000, 7),
    ]);
    const packed = encode(kind, data);
    const chunks: Buffer[] = [];
    for (let i = 0; i < packed.length; i += 4096)
      chunks.push(packed.subarray(i, i + 4096));
    assert.deepEqual(
      await readAll(await decompress(Readable.from(chunks))),
      data,
    );
  });

  test(`decompress() fails with ${bin}'s message on corrupt ${kind}`, async (t) => {
    if (!have(bin)) return t.skip(`${bin} is not installed`);
    const packed = encode(kind, randomBytes(50_000));
    const broken = Buffer.concat([
      packed.subarray(0, 8),
      Buffer.alloc(2000, 0x55),
    ]);
    await assert.rejects(
      readAll(await decompress(Readable.from([broken]))),
      (err: Error) => err.message.startsWith(`${kind}: `),
    );
  });
}
