import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { directExec } from "./direct-exec.ts";
import { WarmSpawner } from "./warm-spawn.ts";

/**
 * directExec against a fake runtime: `sh -c SCRIPT` plays crun exec. It
 * writes the pid file when the process "starts" (as crun does just before
 * the process runs) or, to fail, its error on stderr and the JSON log and
 * exits 255 without a pid file.
 */
for (const warm of [false, true])
  describe(`directExec (a shell script as the runtime${warm ? ", a warm shell" : ""})`, () => {
    let dir = "";
    const spawner = warm ? new WarmSpawner() : undefined;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), "wharf-direct-exec-"));
    });
    after(async () => {
      spawner?.close();
      await rm(dir, { recursive: true, force: true });
    });

    /** Runs SCRIPT as the runtime in a fresh bundle; collects output and close. */
    async function run(script: string, stdin = false) {
      const bundle = await mkdtemp(join(dir, "b-"));
      const output: [number, string][] = [];
      let closed = false;
      spawner?.warm();
      const handle = directExec({
        binary: "/bin/sh",
        args: ["-c", `cd ${bundle} && ${script}`],
        bundle,
        pidFile: join(bundle, "pidfile"),
        logFile: join(bundle, "runtime.log"),
        stdin,
        onOutput: (stream, data) => output.push([stream, data.toString()]),
        onClose: () => (closed = true),
        ...(spawner ? { spawner } : {}),
      });
      return { handle, output, closed: () => closed };
    }

    test("resolves with the pid once the pid file is written, output and the exit code follow", async () => {
      const r = await run(
        "echo 4242 > pidfile; sleep 0.1; echo out; echo err >&2; exit 3",
      );
      const h = await r.handle;
      assert.equal(h.pid, 4242);
      assert.equal(await h.exited, 3);
      await waitFor(() => r.closed());
      assert.deepEqual(r.output.sort(), [
        [1, "out\n"],
        [2, "err\n"],
      ]);
    });

    test("output written before the pid file is held, then delivered in order", async () => {
      const r = await run("echo early; sleep 0.1; echo 7 > pidfile; echo late");
      const h = await r.handle;
      assert.equal(h.pid, 7);
      assert.equal(await h.exited, 0);
      await waitFor(() => r.closed());
      assert.equal(r.output.map(([, s]) => s).join(""), "early\nlate\n");
    });

    test("a runtime failure rejects with the JSON log's message and sends none of its text", async () => {
      const r = await run(
        `echo 'executable file \`nope\` not found' >&2; ` +
          `echo '{"msg":"executable file \`nope\` not found in $PATH","level":"error"}' > runtime.log; exit 255`,
      );
      await assert.rejects(r.handle, {
        message: "executable file `nope` not found in $PATH",
      });
      assert.deepEqual(r.output, []);
    });

    test("without a JSON log the failure carries the runtime's own stderr", async () => {
      const r = await run("echo 'container not running' >&2; exit 1");
      await assert.rejects(r.handle, { message: "container not running" });
    });

    test("a process killed by a signal exits 128+signal", async () => {
      const r = await run("echo 1 > pidfile; kill -9 $$");
      const h = await r.handle;
      assert.equal(await h.exited, 137);
    });

    test("stdin reaches the process and endStdin closes it", async () => {
      const r = await run("echo 1 > pidfile; cat; echo done", true);
      const h = await r.handle;
      h.connection!.write(Buffer.from("hello\n"));
      h.connection!.endStdin();
      assert.equal(await h.exited, 0);
      await waitFor(() => r.closed());
      assert.equal(r.output.map(([, s]) => s).join(""), "hello\ndone\n");
    });

    test("close() stops delivering output; the process runs to its end", async () => {
      const r = await run("echo 1 > pidfile; sleep 0.2; echo after");
      const h = await r.handle;
      h.connection!.close();
      assert.equal(await h.exited, 0);
      await waitFor(() => r.closed());
      assert.deepEqual(r.output, []);
    });
  });

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++)
    await new Promise((r) => setTimeout(r, 10));
  assert.ok(check(), "condition not met within 2 s");
}
