import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import tar, { type Header } from "tar-stream";
import { readTar } from "./context-read.ts";
import { ContextTarParser } from "./context-tar.ts";

type Seen = {
  name: string;
  type: string | null;
  size: number;
  mode: number;
  mtime: number;
  linkname: string;
  sha?: string;
};

function seen(h: Header, sha?: string): Seen {
  return {
    name: h.name,
    type: h.type ?? null,
    size: h.size,
    mode: h.mode,
    mtime: h.mtime.getTime(),
    linkname: h.linkname ?? "",
    ...(sha === undefined ? {} : { sha }),
  };
}

/** The members as tar-stream reads them (the reference). */
async function viaTarStream(bytes: Buffer): Promise<Seen[]> {
  const out: Seen[] = [];
  const extract = tar.extract();
  Readable.from([bytes]).pipe(extract);
  for await (const entry of extract) {
    const hash = createHash("sha256");
    for await (const c of entry) hash.update(c as Buffer);
    const file = entry.header.type === "file";
    out.push(seen(entry.header, file ? hash.digest("hex") : undefined));
  }
  return out;
}

/** The members as ContextTarParser reads them, the bytes cut in pieces of `piece` bytes. */
function viaParser(bytes: Buffer, piece: number): Seen[] {
  const out: Seen[] = [];
  const parser = new ContextTarParser((h) => {
    if (h.type !== "file") {
      out.push(seen(h));
      return undefined;
    }
    const hash = createHash("sha256");
    return {
      data: (b) => hash.update(b),
      end: () => out.push(seen(h, hash.digest("hex"))),
    };
  });
  for (let i = 0; i < bytes.length; i += piece)
    parser.write(bytes.subarray(i, i + piece));
  parser.end();
  return out;
}

/** Writes the header checksum of the first block of b (returns b). */
function withChecksum(b: Buffer): Buffer {
  b.fill(32, 148, 156);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += b[i]!;
  b.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "latin1");
  return b;
}

/** A tar made by GNU tar in the given format from a tree with long names, links and odd sizes. */
function gnuTar(format: "gnu" | "pax" | "ustar"): Buffer {
  const dir = mkdtempSync(join(tmpdir(), "wharf-ctxtar-"));
  try {
    const deep = join(dir, "d".repeat(60), "e".repeat(60));
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(deep, "f".repeat(90)), "long name\n");
    writeFileSync(join(dir, "empty"), "");
    writeFileSync(join(dir, "odd"), Buffer.alloc(1537, 7));
    writeFileSync(join(dir, "big"), Buffer.alloc(300_000, 1));
    spawnSync("ln", ["-s", "odd", join(dir, "sym")]);
    spawnSync("ln", [join(dir, "odd"), join(dir, "hard")]);
    const r = spawnSync(
      "tar",
      ["-c", `--format=${format}`, "--sort=name", "-C", dir, "."],
      { maxBuffer: 1 << 26 },
    );
    assert.equal(r.status, 0, String(r.stderr));
    return r.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("ContextTarParser reads GNU, pax and ustar archives as tar-stream does, however the bytes are cut", async () => {
  for (const format of ["gnu", "pax", "ustar"] as const) {
    const bytes = gnuTar(format);
    const want = await viaTarStream(bytes);
    assert.ok(want.some((m) => m.name.length > 100) || format === "ustar");
    for (const piece of [1, 511, 512, 4096, 65536, bytes.length])
      assert.deepEqual(viaParser(bytes, piece), want, `${format} /${piece}`);
  }
});

test("ContextTarParser reads tar-stream's own pax headers and a base-256 size", async () => {
  const pack = tar.pack();
  pack.entry({ name: `ü-${"x".repeat(120)}`, mode: 0o600 }, "unicode");
  pack.entry({ name: "link", type: "symlink", linkname: "l".repeat(150) });
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  const bytes = Buffer.concat(chunks);
  assert.deepEqual(viaParser(bytes, 100), await viaTarStream(bytes));
  // The same file with its size written base-256 (as Go does past 8 GiB).
  const one = tar.pack();
  one.entry({ name: "f" }, "abc");
  one.finalize();
  const raw: Buffer[] = [];
  for await (const c of one) raw.push(c as Buffer);
  const b = Buffer.concat(raw);
  b.fill(0, 124, 136);
  b[124] = 0x80;
  b[135] = 3;
  withChecksum(b);
  assert.deepEqual(
    viaParser(b, 7).map((m) => [m.name, m.size]),
    [["f", 3]],
  );
});

test("ContextTarParser refuses a bad checksum, an unknown format and a truncated stream with tar-stream's texts", () => {
  const header = Buffer.alloc(512);
  header.write("f", 0);
  header.write("0000644\0", 100);
  header.write("00000000010\0", 124);
  header.write("ustar\u000000", 257, "latin1");
  header.write("000000\0 ", 148, "latin1");
  const parse = (b: Buffer): void => void viaParser(b, 512);
  assert.throws(
    () => parse(header),
    /^InvalidArgumentError: invalid tar archive: Invalid tar header\. Maybe the tar is corrupted/,
  );
  const fixed = withChecksum(Buffer.from(header));
  assert.throws(() => parse(fixed), /Unexpected end of data/);
  const v7 = Buffer.from(fixed);
  v7.fill(0, 257, 265);
  withChecksum(v7);
  assert.throws(() => parse(v7), /Invalid tar header: unknown format\./);
  // Zero blocks (the end of an archive) are skipped.
  assert.deepEqual(viaParser(Buffer.alloc(1024), 100), []);
});

test("readTar() reads a gzip-compressed context, and fails and destroys the body when the parser refuses", async () => {
  const bytes = gnuTar("pax");
  const names: string[] = [];
  const parser = new ContextTarParser((h) => {
    names.push(h.name);
    return undefined;
  });
  await readTar(Readable.from([gzipSync(bytes)]), parser);
  assert.deepEqual(
    names,
    (await viaTarStream(bytes)).map((m) => m.name),
  );
  const body = Readable.from([bytes.subarray(0, 3000), bytes.subarray(3000)]);
  const refusing = new ContextTarParser(() => {
    throw new Error("refused");
  });
  await assert.rejects(readTar(body, refusing), /refused/);
  assert.equal(body.destroyed, true);
});
