import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { after, describe, test } from "node:test";
import { WarmSpawner } from "./warm-spawn.ts";

/** Collects a child's stdout and exit code. */
function outcome(child: ChildProcess): Promise<{ out: string; code: number }> {
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) =>
    child.on("close", (code) => resolve({ out, code: code ?? -1 })),
  );
}

/** take() until a warm shell answers (the first take only starts one). */
async function takeWarm(
  s: WarmSpawner,
  argv: string[],
  stdin: boolean,
): Promise<ChildProcess> {
  for (let i = 0; i < 100; i++) {
    const child = s.take(argv, { stdin });
    if (child) return child;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("no warm shell within 2 s");
}

describe("WarmSpawner", () => {
  const s = new WarmSpawner();
  after(() => s.close());

  test("the first take starts a shell and returns undefined; later ones run the command as given", async () => {
    const fresh = new WarmSpawner();
    assert.equal(fresh.take(["/bin/true"], { stdin: false }), undefined);
    fresh.close();
    const child = await takeWarm(
      s,
      ["/bin/sh", "-c", 'printf "%s|" "$0" "$1"; exit 7', "a b", "$HOME *"],
      false,
    );
    assert.deepEqual(await outcome(child), { out: "a b|$HOME *|", code: 7 });
  });

  test("the command is the child: its pid and its death by a signal", async () => {
    const child = await takeWarm(
      s,
      ["/bin/sh", "-c", "echo $$; kill -9 $$"],
      false,
    );
    const signal = new Promise((r) => child.on("exit", (_c, sig) => r(sig)));
    const { out } = await outcome(child);
    assert.equal(Number(out.trim()), child.pid);
    assert.equal(await signal, "SIGKILL");
  });

  test("stdin is the pipe when asked, /dev/null otherwise", async () => {
    const piped = await takeWarm(s, ["/bin/cat"], true);
    piped.stdin!.end("through the pipe\n");
    assert.equal((await outcome(piped)).out, "through the pipe\n");
    const none = await takeWarm(
      s,
      ["/bin/sh", "-c", "readlink /proc/self/fd/0"],
      false,
    );
    assert.equal((await outcome(none)).out, "/dev/null\n");
  });

  test("an empty argument or one with a newline is refused (the caller spawns itself)", () => {
    assert.equal(s.take(["/bin/echo", ""], { stdin: false }), undefined);
    assert.equal(s.take(["/bin/echo", "a\nb"], { stdin: false }), undefined);
  });

  test("after close() nothing is taken", () => {
    const closed = new WarmSpawner();
    closed.close();
    assert.equal(closed.take(["/bin/true"], { stdin: false }), undefined);
  });
});
