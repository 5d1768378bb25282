import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import type { Socket } from "node:net";
import { describe, test } from "node:test";
import { execDirect, spawnDirect } from "./posix-spawn.ts";

/** Everything a pipe we read carries, once it has ended. */
function text(s: Socket): Promise<string> {
  let out = "";
  s.on("data", (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => s.on("close", () => resolve(out)));
}

describe("spawnDirect (posix_spawn through koffi)", () => {
  test("runs the program on its own pipes and reaps its exit code", async () => {
    const c = spawnDirect(["sh", "-c", "echo out; echo err >&2; exit 3"], {
      stdin: false,
    });
    assert.ok(c.pid > 0);
    const [out, err, code] = await Promise.all([
      text(c.stdout),
      text(c.stderr),
      c.exited,
    ]);
    assert.deepEqual([out, err, code], ["out\n", "err\n", 3]);
  });

  test("cwd and env reach the child; the daemon's environment stays", async () => {
    const c = spawnDirect(["sh", "-c", 'pwd; echo "$WHARF_T1 $PATH"'], {
      stdin: false,
      cwd: "/proc",
      env: { WHARF_T1: "one" },
    });
    assert.equal(await text(c.stdout), `/proc\none ${process.env.PATH}\n`);
    assert.equal(await c.exited, 0);
  });

  test("a missing cwd fails the spawn with the errno's name", () => {
    assert.throws(
      () => spawnDirect(["true"], { stdin: false, cwd: "/nonexistent-wharf" }),
      { code: "ENOENT" },
    );
  });

  test("execDirect feeds its input, collects both outputs and the exit code", async () => {
    assert.deepEqual(
      await execDirect("sh", ["-c", "cat; echo err >&2; exit 4"], {
        input: "in\n",
      }),
      { code: 4, stdout: "in\n", stderr: "err\n" },
    );
    await assert.rejects(execDirect("/nonexistent-wharf", []), {
      code: "ENOENT",
    });
  });

  test("a killed program exits 128+signal", async () => {
    const c = spawnDirect(["sh", "-c", "kill -TERM $$"], { stdin: false });
    assert.equal(await c.exited, 143);
  });

  test("stdin is a pipe when asked, /dev/null otherwise", async () => {
    const piped = spawnDirect(["cat"], { stdin: true });
    piped.stdin!.end("hello");
    assert.equal(await text(piped.stdout), "hello");
    const closed = spawnDirect(["cat"], { stdin: false });
    assert.equal(await text(closed.stdout), "");
    assert.equal(await closed.exited, 0);
  });

  test("extra descriptors 3, 4, … are pipes in the directions asked", async () => {
    const c = spawnDirect(["sh", "-c", "cat <&3 >&4; echo two >&4"], {
      stdin: false,
      extra: ["to-child", "from-child"],
    });
    c.extra[0]!.end("one\n");
    assert.equal(await text(c.extra[1]!), "one\ntwo\n");
    assert.equal(await c.exited, 0);
  });

  test("the child has its own session, default signals and no other descriptors", async () => {
    const c = spawnDirect(
      [
        "sh",
        "-c",
        // SIGPIPE is ignored in Node; the child must have it back.
        'ps -o sid= -p $$; grep -E "^Sig(Ign|Blk)" /proc/self/status; ls /proc/self/fd',
      ],
      { stdin: false },
    );
    const [out] = await Promise.all([text(c.stdout), c.exited]);
    const [sid, ...rest] = out.trim().split("\n");
    assert.equal(Number(sid), c.pid);
    assert.ok(rest.includes("SigIgn:\t0000000000000000"), out);
    assert.ok(rest.includes("SigBlk:\t0000000000000000"), out);
    // ls's own directory descriptor is 3; of ours only what the test
    // runner itself left inheritable (tsx's pipes) may reach the child.
    const inheritable = readdirSync("/proc/self/fdinfo").filter((fd) => {
      let info = "";
      try {
        info = readFileSync(`/proc/self/fdinfo/${fd}`, "utf8");
      } catch {
        return false; // readdir's own descriptor, closed by now
      }
      const flags = Number.parseInt(/flags:\s+(\d+)/.exec(info)?.[1] ?? "0", 8);
      return (flags & 0o2000000) === 0;
    });
    const extra = rest
      .filter((l) => /^\d+$/.test(l) && Number(l) > 3)
      .filter((fd) => !inheritable.includes(fd));
    assert.deepEqual(extra, []);
    assert.ok(
      ["0", "1", "2", "3"].every((fd) => rest.includes(fd)),
      out,
    );
  });

  test("a program that does not exist throws with its errno", () => {
    assert.throws(() => spawnDirect(["/nonexistent/x"], { stdin: false }), {
      code: "ENOENT",
    });
  });

  test("path runs another file under the same argv", async () => {
    const c = spawnDirect(["argv-zero", "-c", "echo $0"], {
      stdin: false,
      path: "/bin/sh",
    });
    assert.equal(await text(c.stdout), "argv-zero\n");
  });
});
