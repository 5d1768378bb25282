import { test } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { jsonLines, progressMessages } from "./json-lines.ts";

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const v of it) out.push(v);
  return out;
}

test("jsonLines joins values split across chunks", async () => {
  const src = Readable.from([
    Buffer.from('{"a":1}\n{"a"'),
    Buffer.from(":2}\n"),
  ]);
  assert.deepEqual(await collect(jsonLines(src)), [{ a: 1 }, { a: 2 }]);
});

test("progressMessages throws the daemon's error text", async () => {
  const src = Readable.from([
    Buffer.from(
      '{"stream":"x"}\n{"errorDetail":{"message":"bad tar"},"error":"bad tar"}\n',
    ),
  ]);
  await assert.rejects(collect(progressMessages(src)), /bad tar/);
});
