import { test } from "node:test";
import assert from "node:assert/strict";
import {
  getRebaseName,
  prepareArchiveCopy,
  rebaseName,
  splitPathDirEntry,
} from "./cp-local.ts";

const info = (path: string, exists: boolean, isDir: boolean) => ({
  path,
  exists,
  isDir,
  rebaseName: "",
});

test("splitPathDirEntry() keeps a trailing /. as the base", () => {
  assert.deepEqual(splitPathDirEntry("/a/b"), ["/a", "b"]);
  assert.deepEqual(splitPathDirEntry("/a/b/"), ["/a", "b"]);
  assert.deepEqual(splitPathDirEntry("/a/b/."), ["/a/b", "."]);
  assert.deepEqual(splitPathDirEntry("/"), ["/", "/"]);
});

test("getRebaseName() names the copy after the link, not its target", () => {
  assert.deepEqual(getRebaseName("/a/link", "/x/target"), [
    "/x/target",
    "link",
  ]);
  assert.deepEqual(getRebaseName("/a/link/.", "/x/t"), ["/x/t/.", ""]);
});

test("prepareArchiveCopy() follows docker cp's rules", () => {
  assert.deepEqual(
    prepareArchiveCopy(info("/s/d", true, true), info("/t/dir", true, true)),
    { dir: "/t/dir" },
  );
  assert.deepEqual(
    prepareArchiveCopy(info("/s/d", true, true), info("/t/new", false, false)),
    {
      dir: "/t",
      rebase: ["d", "new"],
    },
  );
  assert.deepEqual(
    prepareArchiveCopy(info("/s/f", true, false), info("/t/file", true, false)),
    {
      dir: "/t",
      rebase: ["f", "file"],
    },
  );
  assert.throws(
    () =>
      prepareArchiveCopy(
        info("/s/d", true, true),
        info("/t/file", true, false),
      ),
    /cannot copy directory/,
  );
  assert.throws(
    () =>
      prepareArchiveCopy(
        info("/s/f", true, false),
        info("/t/nodir/", false, false),
      ),
    /no such directory/,
  );
});

test("rebaseName() renames the first name; a / base is a prefix", () => {
  assert.equal(rebaseName("d/x", ["d", "new"]), "new/x");
  assert.equal(rebaseName("./x", [".", "new"]), "new/x");
  assert.equal(rebaseName("/bin", ["/", "root"]), "root/bin");
  assert.equal(rebaseName("d/x", undefined), "d/x");
});
