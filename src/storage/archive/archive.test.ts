import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  symlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { gzipSync } from "node:zlib";
import tar, { type Header } from "tar-stream";
import { InvalidArgumentError } from "../../util/errors.ts";
import { lgetxattr, makedev, mknod, S_IFCHR } from "../syscalls.ts";
import { applyTar } from "./apply.ts";
import { changesBetween, changesTar, diffTar } from "./diff.ts";

type Entry = Partial<Header> & { name: string; body?: string };
const asRoot = process.getuid?.() === 0;

async function makeTar(entries: Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const { body, ...h } of entries)
    pack.entry({ mtime: new Date(1e12), ...h }, body ?? "");
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

async function entriesOf(stream: Readable): Promise<string[]> {
  const ex = tar.extract();
  const pumping = pipeline(stream, ex);
  const out: string[] = [];
  for await (const e of ex) {
    out.push(
      `${e.header.type}:${e.header.name}${e.header.linkname ? "->" + e.header.linkname : ""}`,
    );
    for await (const _ of e) void _;
  }
  await pumping;
  return out;
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "wharf-archive-"));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const sample: Entry[] = [
  { name: "bin/", type: "directory", mode: 0o755 },
  { name: "bin/tool", type: "file", mode: 0o4755, body: "#!/bin/sh\n" },
  { name: "bin/alias", type: "symlink", linkname: "tool" },
  { name: "bin/hard", type: "link", linkname: "bin/tool" },
  {
    name: "etc/motd",
    type: "file",
    mode: 0o600,
    body: "hi",
    uid: 1000,
    gid: 1000,
  },
];

test("applyTar() recreates files, modes, mtimes, symlinks and hardlinks and reports the diffId", () =>
  withDir(async (root) => {
    const bytes = await makeTar(sample);
    const r = await applyTar(Readable.from([bytes]), root, {
      whiteouts: "overlay",
    });
    assert.equal(
      r.diffId,
      "sha256:" + createHash("sha256").update(bytes).digest("hex"),
    );
    assert.equal(r.tarSize, bytes.length);
    assert.equal(r.size, 12);
    const tool = await lstat(join(root, "bin/tool"));
    assert.equal(tool.mode & 0o7777, 0o4755);
    assert.equal(tool.mtime.getTime(), 1e12);
    assert.equal(tool.nlink, 2);
    assert.equal(await readlink(join(root, "bin/alias")), "tool");
    assert.equal(
      (await lstat(join(root, "etc"))).mode & 0o777,
      0o755,
      "missing parents get 0755",
    );
    if (asRoot) assert.equal((await lstat(join(root, "etc/motd"))).uid, 1000);
  }));

test("applyTar() accepts gzip and gives the diffId of the uncompressed tar", () =>
  withDir(async (root) => {
    const bytes = await makeTar(sample);
    const plain = await applyTar(Readable.from([bytes]), join(root), {
      whiteouts: "delete",
    });
    await rm(root, { recursive: true });
    await mkdir(root);
    const gz = await applyTar(Readable.from([gzipSync(bytes)]), root, {
      whiteouts: "delete",
    });
    assert.equal(gz.diffId, plain.diffId);
  }));

test("applyTar() refuses members with ../ or absolute paths", () =>
  withDir(async (dir) => {
    for (const name of ["../evil", "a/../../evil", "/etc/evil"]) {
      const bytes = await makeTar([{ name, type: "file", body: "x" }]);
      await assert.rejects(
        applyTar(Readable.from([bytes]), join(dir), { whiteouts: "delete" }),
        InvalidArgumentError,
        name,
      );
    }
    const link = await makeTar([
      { name: "h", type: "link", linkname: "../../etc/passwd" },
    ]);
    await assert.rejects(
      applyTar(Readable.from([link]), dir, { whiteouts: "delete" }),
      InvalidArgumentError,
    );
  }));

test("applyTar() never writes through a symlink that points outside the root", () =>
  withDir(async (dir) => {
    const root = join(dir, "root");
    const outside = join(dir, "outside");
    await mkdir(root);
    await mkdir(outside);
    const bytes = await makeTar([
      { name: "escape", type: "symlink", linkname: outside },
      { name: "escape/pwned", type: "file", body: "x" },
      { name: "up", type: "symlink", linkname: "../../../.." },
      { name: "up/pwned2", type: "file", body: "x" },
    ]);
    await applyTar(Readable.from([bytes]), root, { whiteouts: "delete" });
    assert.deepEqual(await readdir(outside), []);
    assert.equal(await readFile(join(root, outside, "pwned"), "utf8"), "x");
    assert.equal(await readFile(join(root, "pwned2"), "utf8"), "x");
  }));

test("applyTar() in delete mode applies whiteouts and opaque markers to the tree", () =>
  withDir(async (root) => {
    await mkdir(join(root, "d"));
    await writeFile(join(root, "d/old"), "");
    await writeFile(join(root, "gone"), "");
    const bytes = await makeTar([
      { name: ".wh.gone", type: "file" },
      { name: "d/", type: "directory", mode: 0o755 },
      { name: "d/.wh..wh..opq", type: "file" },
      { name: "d/new", type: "file", body: "n" },
    ]);
    await applyTar(Readable.from([bytes]), root, { whiteouts: "delete" });
    assert.deepEqual((await readdir(root)).sort(), ["d"]);
    assert.deepEqual(await readdir(join(root, "d")), ["new"]);
  }));

test(
  "applyTar() in overlay mode writes 0/0 devices and the opaque xattr",
  { skip: !asRoot && "mknod and trusted.* xattrs need root" },
  () =>
    withDir(async (root) => {
      const bytes = await makeTar([
        { name: ".wh.gone", type: "file" },
        { name: "d/", type: "directory", mode: 0o755 },
        { name: "d/.wh..wh..opq", type: "file" },
      ]);
      await applyTar(Readable.from([bytes]), root, { whiteouts: "overlay" });
      const wh = await lstat(join(root, "gone"));
      assert.ok(wh.isCharacterDevice() && wh.rdev === 0);
      assert.equal(
        lgetxattr(join(root, "d"), "trusted.overlay.opaque")?.toString(),
        "y",
      );
    }),
);

test(
  "diffTar() turns overlay whiteouts back into .wh. entries, sorted",
  { skip: !asRoot && "mknod needs root" },
  () =>
    withDir(async (upper) => {
      await mkdir(join(upper, "b"));
      await writeFile(join(upper, "b/f"), "1");
      await symlink("f", join(upper, "b/l"));
      mknod(join(upper, "a"), S_IFCHR, makedev(0, 0));
      const names = await entriesOf(diffTar(upper));
      assert.deepEqual(names, [
        "file:.wh.a",
        "directory:b/",
        "file:b/f",
        "symlink:b/l->f",
      ]);
    }),
);

test("changesBetween() and changesTar() describe a copied tree's additions, edits and deletions", () =>
  withDir(async (dir) => {
    const lower = join(dir, "lower");
    const upper = join(dir, "upper");
    for (const d of [lower, upper]) {
      await mkdir(join(d, "etc"), { recursive: true });
      await writeFile(join(d, "etc/same"), "s");
    }
    const t = new Date(1e12);
    const { utimes } = await import("node:fs/promises");
    await utimes(join(lower, "etc/same"), t, t);
    await utimes(join(upper, "etc/same"), t, t);
    await writeFile(join(lower, "old"), "o");
    await writeFile(join(upper, "new"), "n");
    const changes = await changesBetween(lower, upper);
    assert.deepEqual(changes.map((c) => `${c.kind}:${c.path}`).sort(), [
      "add:new",
      "delete:old",
    ]);
    assert.deepEqual(await entriesOf(changesTar(upper, changes)), [
      "file:new",
      "file:.wh.old",
    ]);
  }));
