import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { sha256Digest } from "../../oci/digest.ts";
import { InvalidArgumentError, NotFoundError } from "../../util/errors.ts";
import { LocalContentStore } from "./local-content-store.ts";

async function withStore(
  fn: (s: LocalContentStore) => Promise<void>,
): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), "wharf-content-"));
  const store = new LocalContentStore({ root });
  await store.init();
  try {
    await fn(store);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

test("put() stores a blob under its sha256 and read() returns the same bytes", () =>
  withStore(async (s) => {
    const info = await s.put(Buffer.from("hello"));
    assert.equal(info.digest, sha256Digest("hello"));
    assert.equal(info.size, 5);
    assert.equal((await s.read(info.digest)).toString(), "hello");
    assert.deepEqual(await s.info(info.digest), info);
    assert.equal(await s.exists(sha256Digest("other")), false);
  }));

test("putStream() with a wrong expected digest fails and leaves no blob or temp file", () =>
  withStore(async (s) => {
    await assert.rejects(
      s.putStream([Buffer.from("a"), Buffer.from("b")], sha256Digest("xx")),
      InvalidArgumentError,
    );
    assert.equal(await s.exists(sha256Digest("ab")), false);
    assert.deepEqual(await readdir(join(s.root, "ingest")), []);
  }));

test("walk() lists blobs and remove() deletes them idempotently", () =>
  withStore(async (s) => {
    const a = await s.put(Buffer.from("a"));
    const b = await s.put(Buffer.from("bb"));
    await s.put(Buffer.from("a"));
    const seen = [];
    for await (const i of s.walk()) seen.push(i.digest);
    assert.deepEqual(seen.sort(), [a.digest, b.digest].sort());
    await s.remove(a.digest);
    await s.remove(a.digest);
    await assert.rejects(s.read(a.digest), NotFoundError);
    await assert.rejects(s.readStream(a.digest), NotFoundError);
  }));

test("cleanIngest() removes temp files left by a crash", () =>
  withStore(async (s) => {
    await writeFile(join(s.root, "ingest", "half"), "x");
    assert.equal(await s.cleanIngest(), 1);
    assert.deepEqual(await readdir(join(s.root, "ingest")), []);
  }));

test("a malformed digest is refused before touching the disk", () =>
  withStore(async (s) => {
    await assert.rejects(s.info("sha256:../../etc/passwd"), /invalid digest/);
  }));

test("a large blob is kept as ingested; an older wharf's .gz copy still reads back as the original bytes", () =>
  withStore(async (s) => {
    const data = Buffer.concat([
      Buffer.alloc(100_000, "layer "),
      randomBytes(30_000),
    ]);
    const plain = await s.put(data);
    const hex = plain.digest.slice(7);
    assert.deepEqual(await readdir(join(s.root, "blobs", "sha256")), [hex]);
    await s.remove(plain.digest);
    await writeFile(
      join(s.root, "blobs", "sha256", `${hex}.gz`),
      gzipSync(data),
    );
    const info = await s.info(plain.digest);
    assert.deepEqual(info, plain);
    if (!info) return;
    assert.deepEqual(await s.info(info.digest), info);
    assert.deepEqual(await s.read(info.digest), data);
    const chunks: Buffer[] = [];
    for await (const c of await s.readStream(info.digest))
      chunks.push(c as Buffer);
    assert.deepEqual(Buffer.concat(chunks), data);
    const walked = [];
    for await (const b of s.walk()) walked.push(b);
    assert.deepEqual(walked, [info]);
    await s.remove(info.digest);
    assert.equal(await s.exists(info.digest), false);
    assert.deepEqual(await readdir(join(s.root, "blobs", "sha256")), []);
  }));

test("adopt() links a hashed file in without copying it; a wrong size is refused and publishes nothing", () =>
  withStore(async (s) => {
    const file = join(s.root, "ingest", "layer.tar");
    await writeFile(file, "layer bytes");
    const digest = sha256Digest("layer bytes");
    await assert.rejects(
      s.adopt(file, { digest, size: 3 }),
      InvalidArgumentError,
    );
    assert.equal(await s.exists(digest), false);
    assert.deepEqual(await s.adopt(file, { digest, size: 11 }), {
      digest,
      size: 11,
    });
    assert.equal((await s.read(digest)).toString(), "layer bytes");
    // Adopting the same content again is not an error.
    await s.adopt(file, { digest, size: 11 });
    await rm(file);
    assert.equal((await s.read(digest)).toString(), "layer bytes");
  }));
