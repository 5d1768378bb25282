import { test } from "node:test";
import assert from "node:assert/strict";
import {
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  symlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import tar from "tar-stream";
import {
  ForbiddenError,
  InvalidArgumentError,
  NotFoundError,
} from "../../util/errors.ts";
import { extractToDir } from "./copy-in.ts";
import { absContainerPath, archivePath, statPath } from "./copy-out.ts";
import { FsScope } from "./fs-scope.ts";

async function withTree(
  fn: (root: string, outside: string, vol: string) => Promise<void>,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "wharf-copy-"));
  const root = join(dir, "root");
  const outside = join(dir, "outside");
  const vol = join(dir, "vol");
  for (const d of [root, outside, vol, join(root, "etc"), join(root, "data")])
    await mkdir(d, { recursive: true });
  await writeFile(join(root, "etc/passwd"), "inside\n");
  await writeFile(join(outside, "passwd"), "outside\n");
  await writeFile(join(vol, "v"), "volume\n");
  await symlink("/", join(root, "rootlink"));
  await symlink("../../../../..", join(root, "up"));
  await symlink(outside, join(root, "abs"));
  await symlink("/etc/passwd", join(root, "data/pw"));
  await symlink("/nonexistent", join(root, "dangling"));
  try {
    await fn(root, outside, vol);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function names(stream: Readable): Promise<string[]> {
  const ex = tar.extract();
  const p = pipeline(stream, ex);
  const out: string[] = [];
  for await (const e of ex) {
    out.push(e.header.name);
    for await (const _ of e) void _;
  }
  await p;
  return out;
}

async function tarOf(
  entries: Array<{
    name: string;
    type?: "file" | "symlink";
    linkname?: string;
  }>,
): Promise<Readable> {
  const pack = tar.pack();
  for (const h of entries)
    pack.entry({ mode: 0o644, ...h }, h.type === "symlink" ? "" : "x");
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(Buffer.from(c as Uint8Array));
  return Readable.from([Buffer.concat(chunks)]);
}

test("absContainerPath() keeps a trailing / and /. as Docker does", () => {
  assert.equal(absContainerPath("a/b"), "/a/b");
  assert.equal(absContainerPath("/a/b/"), "/a/b/");
  assert.equal(absContainerPath("/a/b/."), "/a/b/.");
  assert.equal(absContainerPath("/a/../.."), "/");
});

test("canonical() resolves symlinks as if the root were /, never above it", () =>
  withTree(async (root, outside) => {
    const s = new FsScope(root, []);
    try {
      assert.equal(
        await s.canonical("/rootlink/etc/passwd", true),
        "/etc/passwd",
      );
      assert.equal(await s.canonical("/up/etc", true), "/etc");
      assert.equal(await s.canonical("/abs/passwd", true), `${outside}/passwd`);
      assert.equal(await s.canonical("/data/pw", false), "/data/pw");
      assert.equal(await s.canonical("/data/pw", true), "/etc/passwd");
    } finally {
      s.close();
    }
  }));

test("statPath() reads inside the root: a host path through a symlink is missing", () =>
  withTree(async (root) => {
    const s = new FsScope(root, []);
    try {
      const st = await statPath(s, "/up/etc/passwd");
      assert.equal(st?.stat.size, "inside\n".length);
      assert.equal(await statPath(s, "/abs/passwd"), undefined);
      const link = await statPath(s, "/data/pw");
      assert.equal(link?.stat.linkTarget, "/etc/passwd");
      assert.equal((link.stat.mode & (2 ** 27)) !== 0, true);
    } finally {
      s.close();
    }
  }));

test("archivePath() names entries after the requested base (Docker's rebase)", () =>
  withTree(async (root) => {
    const s = new FsScope(root, []);
    try {
      assert.deepEqual(
        await names((await archivePath(s, "/rootlink/etc"))!.tar),
        ["etc/", "etc/passwd"],
      );
      assert.deepEqual(await names((await archivePath(s, "/etc/."))!.tar), [
        "./",
        "./passwd",
      ]);
      assert.deepEqual(await names((await archivePath(s, "/data/pw"))!.tar), [
        "pw",
      ]);
    } finally {
      s.close();
    }
  }));

test("extractToDir() refuses ../ members and keeps symlinked members inside the root", () =>
  withTree(async (root, outside) => {
    const s = new FsScope(root, []);
    try {
      await assert.rejects(
        extractToDir(s, "/data", await tarOf([{ name: "../../../x" }]), {
          noOverwriteDirNonDir: false,
          missing: "m",
        }),
        InvalidArgumentError,
      );
      await extractToDir(
        s,
        "/data",
        await tarOf([
          { name: "esc", type: "symlink", linkname: "/" },
          { name: "esc/pwned" },
          { name: "abs2", type: "symlink", linkname: outside },
          { name: "abs2/pwned2" },
        ]),
        { noOverwriteDirNonDir: false, missing: "m" },
      );
      assert.deepEqual(await readdir(outside), ["passwd"]);
      assert.equal(await readFile(join(root, "pwned"), "utf8"), "x");
      assert.equal(await readFile(join(root, outside, "pwned2"), "utf8"), "x");
      await extractToDir(s, "/dangling", await tarOf([{ name: "f" }]), {
        noOverwriteDirNonDir: false,
        missing: "m",
      }).then(
        () => assert.fail("a dangling destination must be missing"),
        (err: unknown) => assert.ok(err instanceof NotFoundError),
      );
      await assert.rejects(
        extractToDir(s, "/etc/passwd", await tarOf([{ name: "f" }]), {
          noOverwriteDirNonDir: false,
          missing: "m",
        }),
        /extraction point is not a directory/,
      );
    } finally {
      s.close();
    }
  }));

test("mounts are reached through their own root and read-only ones refuse writes", () =>
  withTree(async (root, _outside, vol) => {
    const s = new FsScope(root, [
      { Destination: "/mnt/vol", Source: vol, RW: false },
    ]);
    try {
      assert.equal(
        (await statPath(s, "/mnt/vol/v"))?.stat.size,
        "volume\n".length,
      );
      assert.deepEqual(
        (await names((await archivePath(s, "/mnt/vol"))!.tar)).sort(),
        ["vol/", "vol/v"],
      );
      await assert.rejects(
        extractToDir(s, "/mnt/vol", await tarOf([{ name: "f" }]), {
          noOverwriteDirNonDir: false,
          missing: "m",
        }),
        ForbiddenError,
      );
    } finally {
      s.close();
    }
  }));
