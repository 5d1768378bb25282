import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  appendFile,
  mkdir,
  mkdtemp,
  open,
  readFile,
  readdir,
  rm,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import tar from "tar-stream";
import { InvalidArgumentError } from "../../util/errors.ts";
import { applyTarFile } from "./apply-file.ts";
import { GrowingFile } from "./growing-file.ts";

async function makeTar(files: Record<string, Buffer>): Promise<Buffer> {
  const pack = tar.pack();
  for (const [name, body] of Object.entries(files))
    pack.entry({ name, mtime: new Date(1e12), mode: 0o644 }, body);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

/** A temp dir with an empty root/ in it, removed when the test ends. */
async function scratch(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "wharf-apply-file-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, "root"));
  return dir;
}

const sha = (b: Buffer): string =>
  `sha256:${createHash("sha256").update(b).digest("hex")}`;
const big = Buffer.alloc(3 << 20, 7); // several read pieces

test("applyTarFile unpacks a complete gzip layer file on the worker", async (t) => {
  const dir = await scratch(t);
  const plain = await makeTar({ "a.txt": Buffer.from("hello"), big });
  await writeFile(join(dir, "layer.gz"), gzipSync(plain));
  const r = await applyTarFile(join(dir, "layer.gz"), join(dir, "root"), {
    whiteouts: "overlay",
  });
  assert.equal(r.diffId, sha(plain));
  assert.equal(r.tarSize, plain.length);
  assert.equal(r.size, 5 + big.length);
  assert.equal(await readFile(join(dir, "root", "a.txt"), "utf8"), "hello");
  assert.deepEqual(await readFile(join(dir, "root", "big")), big);
});

test("applyTarFile follows a file while it grows, through an fd", async (t) => {
  const dir = await scratch(t);
  const gz = gzipSync(await makeTar({ big, "b.txt": Buffer.from("end") }));
  const path = join(dir, "ingest");
  await writeFile(path, "");
  const fd = await open(path, "r");
  const growing = new GrowingFile();
  const applying = applyTarFile(fd.fd, join(dir, "root"), {
    whiteouts: "overlay",
    growing,
  });
  let written = 0;
  for (let at = 0; at < gz.length; at += 100_000) {
    const piece = gz.subarray(at, at + 100_000);
    await appendFile(path, piece);
    written += piece.length;
    growing.grow(written);
    await new Promise((r) => setTimeout(r, 2));
  }
  // The writer renames the file away before saying it is complete.
  await rm(path);
  growing.end(written);
  const r = await applying;
  await fd.close();
  assert.equal(r.size, big.length + 3);
  assert.equal(await readFile(join(dir, "root", "b.txt"), "utf8"), "end");
});

test("applyTarFile fails with the writer's error when the writer gives up", async (t) => {
  const dir = await scratch(t);
  const gz = gzipSync(await makeTar({ big }));
  const path = join(dir, "ingest");
  await writeFile(path, gz.subarray(0, 1000));
  const growing = new GrowingFile();
  growing.grow(1000);
  const applying = applyTarFile(path, join(dir, "root"), {
    whiteouts: "overlay",
    growing,
  });
  setTimeout(() => growing.fail(new Error("connection reset")), 20);
  await assert.rejects(applying, /connection reset/);
});

test("applyTarFile keeps the error class of a bad archive across the thread", async (t) => {
  const dir = await scratch(t);
  await writeFile(join(dir, "bad"), Buffer.alloc(2048, 1));
  await assert.rejects(
    applyTarFile(join(dir, "bad"), join(dir, "root"), {
      whiteouts: "overlay",
    }),
    (err: unknown) =>
      err instanceof InvalidArgumentError &&
      /invalid tar archive/.test(err.message),
  );
  assert.deepEqual(await readdir(join(dir, "root")), []);
});
