import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, readlinkSync, writeSync } from "node:fs";
import { describe, test } from "node:test";
import { SealedBinary } from "./sealed-binary.ts";

describe("SealedBinary", () => {
  test("path() execs a sealed in-memory copy of the file", () => {
    const sealed = new SealedBinary("/bin/cat");
    const path = sealed.path()!;
    assert.match(path, /^\/proc\/self\/fd\/\d+$/);
    assert.match(
      readlinkSync(path),
      /^\/memfd:crun_cloned:\/proc\/self\/exe \(deleted\)$/,
    );
    assert.deepEqual(readFileSync(path), readFileSync("/bin/cat"));
    const sealedSh = new SealedBinary("/bin/sh");
    // What runs is the copy: its /proc/<pid>/exe is the memfd.
    const out = execFileSync(sealedSh.path()!, ["-c", "readlink /proc/$$/exe"]);
    assert.equal(
      out.toString(),
      "/memfd:crun_cloned:/proc/self/exe (deleted)\n",
    );
    sealed.close();
    sealedSh.close();
  });

  test("the copy cannot be written", () => {
    const sealed = new SealedBinary("/bin/cat");
    const fd = Number(sealed.path()!.split("/").pop());
    assert.throws(() => writeSync(fd, "x", 0), { code: "EPERM" });
    sealed.close();
  });

  test("one copy while the file is unchanged; none for a missing file", () => {
    const sealed = new SealedBinary("/bin/cat");
    assert.equal(sealed.path(), sealed.path());
    sealed.close();
    assert.equal(new SealedBinary("/nonexistent/crun").path(), undefined);
  });
});
