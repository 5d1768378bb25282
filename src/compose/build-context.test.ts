import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { extract } from "tar-stream";
import { contextTar, ignoreMatcher } from "./build-context.ts";

const dir = mkdtempSync(join(tmpdir(), "compose-ctx-"));
after(() => rmSync(dir, { recursive: true, force: true }));
for (const [f, text] of Object.entries({
  Dockerfile: "FROM busybox\n",
  ".dockerignore": "*.log\nnode_modules\n!keep.log\n**/tmp\n",
  "app.js": "x",
  "debug.log": "x",
  "keep.log": "x",
  "node_modules/a/index.js": "x",
  "src/tmp/x": "x",
  "src/main.js": "x",
})) {
  mkdirSync(join(dir, f, ".."), { recursive: true });
  writeFileSync(join(dir, f), text);
}

test(".dockerignore patterns with exceptions and **", () => {
  const ignored = ignoreMatcher(dir);
  assert.equal(ignored("debug.log"), true);
  assert.equal(ignored("keep.log"), false);
  assert.equal(ignored("node_modules/a/index.js"), true);
  assert.equal(ignored("src/tmp/x"), true);
  assert.equal(ignored("src/main.js"), false);
});

test("the context tar holds what is not ignored, plus an inline Dockerfile", async () => {
  const names: string[] = [];
  const ex = extract();
  ex.on("entry", (h, stream, next) => {
    names.push(h.name);
    stream.resume();
    stream.on("end", next);
  });
  const done = new Promise<void>((ok) => ex.on("finish", () => ok()));
  contextTar(dir, {
    dockerfile: "Inline.Dockerfile",
    inline: "FROM busybox\n",
  }).pipe(ex);
  await done;
  assert.deepEqual(names.sort(), [
    ".dockerignore",
    "Dockerfile",
    "Inline.Dockerfile",
    "app.js",
    "keep.log",
    "src",
    "src/main.js",
  ]);
});
