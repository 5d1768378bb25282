import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import {
  lstat,
  mkdtemp,
  readFile,
  readdir,
  readlink,
  rm,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { test } from "node:test";
import tar from "tar-stream";
import { BuildContext, contextMember } from "./context.ts";
import { copyEntries, entriesChecksum } from "./copy-sources.ts";
import { DockerIgnore } from "../../conventions/dockerignore.ts";

async function tarOf(
  entries: {
    name: string;
    type?: "file" | "directory" | "symlink" | "link" | "character-device";
    body?: string;
    linkname?: string;
  }[],
): Promise<Readable> {
  const pack = tar.pack();
  for (const e of entries)
    pack.entry(
      {
        name: e.name,
        type: e.type ?? "file",
        ...(e.linkname ? { linkname: e.linkname } : {}),
      },
      e.body ?? "",
    );
  pack.finalize();
  return pack as unknown as Readable;
}

test("DockerIgnore follows Docker's pattern rules", () => {
  const ig = new DockerIgnore(
    "# comment\n*.log\n!keep.log\n**/tmp\n/build/\nsecret?\n",
  );
  assert.equal(ig.ignores("a.log"), true);
  assert.equal(ig.ignores("keep.log"), false);
  assert.equal(ig.ignores("sub/a.log"), false);
  assert.equal(ig.ignores("x/y/tmp/file"), true);
  assert.equal(ig.ignores("tmp"), true);
  assert.equal(ig.ignores("build/out/bin"), true);
  assert.equal(ig.ignores("secret1"), true);
  assert.equal(ig.ignores("secret12"), false);
  assert.equal(ig.ignores("src/main.c"), false);
});

test("contextMember() refuses absolute names and .. escapes", () => {
  assert.equal(contextMember("./a/./b"), "a/b");
  assert.throws(() => contextMember("/etc/passwd"), /absolute path/);
  assert.throws(() => contextMember("a/../../x"), /climbs out of the context/);
});

/** Receives entries into a new context under dir. */
async function receive(
  dir: string,
  entries: Parameters<typeof tarOf>[0],
): Promise<BuildContext> {
  return BuildContext.receive(
    await tarOf(entries),
    await mkdtemp(join(dir, "c-")),
  );
}

test("BuildContext.receive() indexes members and refuses devices, escapes and links out", async () => {
  const dir = await mkdtemp(join(tmpdir(), "wharf-ctx-"));
  try {
    const ctx = await receive(dir, [
      { name: "d/", type: "directory" },
      { name: "d/f", body: "hi" },
    ]);
    assert.equal((await ctx.readFile("d/f"))?.toString(), "hi");
    assert.deepEqual(await ctx.readdir(""), ["d"]);
    // Nothing is on disk until a step unpacks it.
    assert.equal(existsSync(ctx.root), false);
    ctx.close();
    await assert.rejects(
      receive(dir, [{ name: "null", type: "character-device" }]),
      /is a character-device, not a file, directory or link/,
    );
    await assert.rejects(
      receive(dir, [{ name: "../x", body: "no" }]),
      /climbs out of the context/,
    );
    await assert.rejects(
      receive(dir, [
        { name: "l", type: "symlink", linkname: "/etc" },
        { name: "l/wharf-test-new/f", body: "x" },
      ]),
      /lies below a non-directory/,
    );
    await assert.rejects(
      receive(dir, [
        { name: "d/", type: "directory" },
        { name: "d", body: "x" },
      ]),
      /replaces a directory/,
    );
    await assert.rejects(
      receive(dir, [{ name: "h", type: "link", linkname: "nothing" }]),
      /which is no file before it/,
    );
    // A failed receive leaves no spool behind (the caller removes the dir).
    for (const c of await readdir(dir))
      assert.deepEqual(await readdir(join(dir, c)), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("BuildContext: COPY's checksum from the digests taken on arrival equals reading the unpacked files; later members replace earlier ones", async () => {
  const dir = await mkdtemp(join(tmpdir(), "wharf-ctx-"));
  try {
    const ctx = await receive(dir, [
      { name: "src/", type: "directory" },
      { name: "src/a", body: "one" },
      { name: "src/b", body: "two" },
      { name: "src/b", body: "TWO" },
      { name: "src/h", type: "link", linkname: "src/a" },
      { name: "src/l", type: "symlink", linkname: "a" },
      { name: "up", type: "symlink", linkname: "../../etc" },
    ]);
    const entries = await copyEntries({ tree: ctx }, ["src"], "/dst/");
    assert.deepEqual(
      entries.map((e) => `${e.type} ${e.dest}`),
      ["file /dst/a", "file /dst/b", "file /dst/h", "symlink /dst/l"],
    );
    assert.ok(entries.every((e) => e.type !== "file" || e.digest));
    await ctx.unpack(entries.map((e) => e.rel));
    assert.equal(await readFile(join(ctx.root, "src/b"), "utf8"), "TWO");
    // COPY writes context files from the spool, without unpacking them.
    const chunks: Buffer[] = [];
    for await (const c of entries[2]!.open!()) chunks.push(c as Buffer);
    assert.equal(Buffer.concat(chunks).toString(), "one");
    assert.equal(await readFile(join(ctx.root, "src/h"), "utf8"), "one");
    const read = entries.map(({ digest: _, ...e }) => e);
    assert.equal(
      await entriesChecksum(entries, "x"),
      await entriesChecksum(read, "x"),
    );
    // Sources through symlinks resolve inside the context, or are refused.
    assert.equal(
      (await copyEntries({ tree: ctx }, ["src/l"], "/f"))[0]!.rel,
      "src/a",
    );
    await assert.rejects(
      copyEntries({ tree: ctx }, ["up/passwd"], "/"),
      /forbidden path outside the build context/,
    );
    await assert.rejects(
      copyEntries({ tree: ctx }, ["../x"], "/"),
      /forbidden path outside the build context/,
    );
    ctx.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("BuildContext.unpackInto() writes a subtree with its modes, links and times", async () => {
  const dir = await mkdtemp(join(tmpdir(), "wharf-ctx-"));
  try {
    const mtime = new Date("2020-01-02T03:04:05Z");
    const pack = tar.pack();
    pack.entry({ name: "t/", type: "directory", mode: 0o750, mtime });
    pack.entry({ name: "t/x", mode: 0o640, mtime }, "x");
    pack.entry({ name: "t/s", type: "symlink", linkname: "x", mtime });
    pack.entry({ name: "other", mtime }, "o");
    pack.finalize();
    const ctx = await BuildContext.receive(
      pack as unknown as Readable,
      await mkdtemp(join(dir, "c-")),
    );
    const out = join(dir, "out");
    await ctx.unpackInto(out, ["t"]);
    assert.deepEqual((await readdir(out)).sort(), ["t"]);
    const st = await lstat(join(out, "t/x"));
    assert.equal(st.mode & 0o7777, 0o640);
    assert.equal(st.mtime.getTime(), mtime.getTime());
    assert.equal((await lstat(join(out, "t"))).mode & 0o7777, 0o750);
    assert.equal(
      (await lstat(join(out, "t"))).mtime.getTime(),
      mtime.getTime(),
    );
    assert.equal(await readlink(join(out, "t/s")), "x");
    ctx.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
