import { test } from "node:test";
import assert from "node:assert/strict";
import tar from "tar-stream";
import { TarSizes } from "./tar-sizes.ts";

test("TarSizes counts the stream's bytes and its regular files' sizes, whatever the chunking", async () => {
  const pack = tar.pack();
  pack.entry({ name: "d/", type: "directory" });
  pack.entry({ name: "d/a" }, Buffer.alloc(700, 1));
  pack.entry({ name: "d/.wh.gone" }, "");
  pack.entry({ name: "l", type: "symlink", linkname: "d/a" });
  pack.entry({ name: "h", type: "link", linkname: "d/a" });
  pack.entry({ name: `${"n".repeat(150)}/long` }, Buffer.alloc(1024, 2));
  pack.entry({ name: "b" }, Buffer.alloc(5, 3));
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(Buffer.from(c as Uint8Array));
  const all = Buffer.concat(chunks);
  for (const size of [1, 7, 512, 100000]) {
    const s = new TarSizes();
    for (let at = 0; at < all.length; at += size)
      s.update(all.subarray(at, at + size));
    assert.equal(s.tarSize, all.length);
    assert.equal(s.fileSize, 700 + 1024 + 5);
  }
});
