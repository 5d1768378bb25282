import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { test } from "node:test";
import tar from "tar-stream";
import { contextMember, extractContext } from "./context.ts";
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

test("extractContext() unpacks files and refuses devices and links out", async () => {
  const dir = await mkdtemp(join(tmpdir(), "wharf-ctx-"));
  try {
    await extractContext(
      await tarOf([
        { name: "d/", type: "directory" },
        { name: "d/f", body: "hi" },
      ]),
      dir,
    );
    assert.equal(await readFile(join(dir, "d/f"), "utf8"), "hi");
    await assert.rejects(
      extractContext(
        await tarOf([{ name: "null", type: "character-device" }]),
        await mkdtemp(join(dir, "b-")),
      ),
      /is a character-device, not a file, directory or link/,
    );
    await assert.rejects(
      extractContext(
        await tarOf([{ name: "../x", body: "no" }]),
        await mkdtemp(join(dir, "c-")),
      ),
      /climbs out of the context/,
    );
    await assert.rejects(
      extractContext(
        await tarOf([
          { name: "l", type: "symlink", linkname: "/etc" },
          { name: "l/wharf-test-new/f", body: "x" },
        ]),
        await mkdtemp(join(dir, "d-")),
      ),
      /lies below a non-directory/,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("extractContext() hashes files as it writes them: COPY's checksum equals reading them, and a file changed since is read again", async () => {
  const dir = await mkdtemp(join(tmpdir(), "wharf-ctx-"));
  try {
    const digests = await extractContext(
      await tarOf([
        { name: "src/", type: "directory" },
        { name: "src/a", body: "one" },
        { name: "src/b", body: "two" },
        { name: "src/b", body: "TWO" },
        { name: "src/h", type: "link", linkname: "src/a" },
      ]),
      dir,
    );
    assert.equal(await readFile(join(dir, "src/b"), "utf8"), "TWO");
    const entries = await copyEntries({ root: dir }, ["src"], "/dst/");
    const sum = await entriesChecksum(entries, "x", digests);
    assert.equal(sum, await entriesChecksum(entries, "x"));
    // Same size and mtime, other content: the stamp (ctime) no longer matches.
    await writeFile(join(dir, "src/a"), "ONE");
    await utimes(join(dir, "src/a"), entries[0]!.mtime, entries[0]!.mtime);
    const again = await copyEntries({ root: dir }, ["src"], "/dst/");
    assert.notEqual(await entriesChecksum(again, "x", digests), sum);
    assert.equal(
      await entriesChecksum(again, "x", digests),
      await entriesChecksum(again, "x"),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
