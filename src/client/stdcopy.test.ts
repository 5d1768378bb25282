import { test } from "node:test";
import assert from "node:assert/strict";
import { PassThrough, Readable } from "node:stream";
import { StdcopyDemuxer, demuxStream, encodeFrame } from "./stdcopy.ts";

test("the demuxer reassembles frames split at any byte", () => {
  const bytes = Buffer.concat([
    encodeFrame(1, "hello\n"),
    encodeFrame(2, "oops"),
    encodeFrame(1, ""),
  ]);
  for (let cut = 0; cut <= bytes.length; cut++) {
    const d = new StdcopyDemuxer();
    const frames = [
      ...d.push(bytes.subarray(0, cut)),
      ...d.push(bytes.subarray(cut)),
    ];
    assert.deepEqual(
      frames.map((f) => [f.stream, f.payload.toString()]),
      [
        [1, "hello\n"],
        [2, "oops"],
        [1, ""],
      ],
    );
    assert.equal(d.pendingBytes, 0);
  }
});

test("demuxStream routes stdout and stderr frames to their writers", async () => {
  const out = new PassThrough();
  const err = new PassThrough();
  const src = Readable.from([
    Buffer.concat([encodeFrame(1, "a"), encodeFrame(2, "b")]),
    encodeFrame(1, "c"),
  ]);
  await demuxStream(src, out, err);
  out.end();
  err.end();
  assert.equal(String(out.read()), "ac");
  assert.equal(String(err.read()), "b");
});

test("demuxStream rejects with the text of a system-error frame", async () => {
  const src = Readable.from([encodeFrame(3, "boom")]);
  await assert.rejects(
    demuxStream(src, new PassThrough(), new PassThrough()),
    /boom/,
  );
});
