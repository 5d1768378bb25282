import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyEntries, hostSource } from "./copy-sources.ts";

function tree(files: string[]): string {
  const root = mkdtempSync(join(tmpdir(), "wharf-copy-src-"));
  for (const f of files) {
    mkdirSync(join(root, f, ".."), { recursive: true });
    writeFileSync(join(root, f), f);
  }
  return root;
}

const dests = async (
  root: string,
  sources: string[],
  dest: string,
  parents: boolean,
): Promise<string[]> =>
  (await copyEntries(hostSource(root), sources, dest, { parents })).map(
    (e) => `${e.type[0]} ${e.dest}`,
  );

test("copyEntries(): plain COPY flattens a file to its base name; --parents keeps its path", async () => {
  const root = tree(["a/b/one.txt", "a/c/two.txt"]);
  try {
    assert.deepEqual(await dests(root, ["a/b/one.txt"], "/d/", false), [
      "f /d/one.txt",
    ]);
    assert.deepEqual(await dests(root, ["a/b/one.txt"], "/d/", true), [
      "f /d/a/b/one.txt",
    ]);
    // Wildcards keep each match's own path.
    assert.deepEqual(await dests(root, ["a/*/*.txt"], "/d", true), [
      "f /d/a/b/one.txt",
      "f /d/a/c/two.txt",
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("copyEntries(): --parents cuts at a /./ pivot and keeps a directory's name", async () => {
  const root = tree(["a/b/one.txt", "a/b/deep/x"]);
  try {
    assert.deepEqual(await dests(root, ["a/./b/one.txt"], "/d/", true), [
      "f /d/b/one.txt",
    ]);
    assert.deepEqual(await dests(root, ["a/b"], "/d/", true), [
      "d /d/a/b",
      "d /d/a/b/deep",
      "f /d/a/b/deep/x",
      "f /d/a/b/one.txt",
    ]);
    // Without --parents a directory copies its contents.
    assert.deepEqual(await dests(root, ["a/b"], "/d/", false), [
      "d /d/deep",
      "f /d/deep/x",
      "f /d/one.txt",
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
