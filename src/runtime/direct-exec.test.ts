import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { directExec } from "./direct-exec.ts";

/**
 * directExec against a fake runtime: `sh -c SCRIPT` plays crun exec. It
 * writes the pid on fd 4 (crun's --pid-file) when the process "starts" (as
 * crun does just before the process runs) or, to fail, its error on stderr
 * and the JSON log on fd 5 and exits 255 without a pid; fd 3 carries the
 * process spec.
 */
describe("directExec (a shell script as the runtime)", () => {
  /** Runs SCRIPT as the runtime; collects output and close. */
  function run(script: string, stdin = false, spec = "{}") {
    const output: [number, string][] = [];
    let closed = false;
    const handle = directExec({
      argv: ["/bin/sh", "-c", script],
      spec,
      stdin,
      onOutput: (stream, data) => output.push([stream, data.toString()]),
      onClose: () => (closed = true),
    });
    return { handle, output, closed: () => closed };
  }

  test("resolves with the pid once it is written; output held until then comes first, in order, then the exit code", async () => {
    const r = run(
      "echo early; sleep 0.1; printf 4242 >&4; echo out; echo err >&2; exit 3",
    );
    const h = await r.handle;
    assert.equal(h.pid, 4242);
    assert.equal(await h.exited, 3);
    await waitFor(() => r.closed());
    const of = (n: number) =>
      r.output
        .filter(([stream]) => stream === n)
        .map(([, s]) => s)
        .join("");
    assert.deepEqual([of(1), of(2)], ["early\nout\n", "err\n"]);
  });

  test("a runtime failure rejects with the JSON log's message and sends none of its text", async () => {
    const r = run(
      `echo 'executable file \`nope\` not found' >&2; ` +
        `echo '{"msg":"executable file \`nope\` not found in $PATH","level":"error"}' >&5; exit 255`,
    );
    await assert.rejects(r.handle, {
      message: "executable file `nope` not found in $PATH",
    });
    assert.deepEqual(r.output, []);
  });

  test("without a JSON log the failure carries the runtime's own stderr", async () => {
    const r = run("echo 'container not running' >&2; exit 1");
    await assert.rejects(r.handle, { message: "container not running" });
  });

  test("a process killed by a signal exits 128+signal", async () => {
    const r = run("echo 1 >&4; kill -9 $$");
    const h = await r.handle;
    assert.equal(await h.exited, 137);
  });

  test("stdin reaches the process and endStdin closes it", async () => {
    const r = run("echo 1 >&4; cat; echo done", true);
    const h = await r.handle;
    h.connection!.write(Buffer.from("hello\n"));
    h.connection!.endStdin();
    assert.equal(await h.exited, 0);
    await waitFor(() => r.closed());
    assert.equal(r.output.map(([, s]) => s).join(""), "hello\ndone\n");
  });

  test("close() stops delivering output; the process runs to its end", async () => {
    const r = run("echo 1 >&4; sleep 0.2; echo after");
    const h = await r.handle;
    h.connection!.close();
    assert.equal(await h.exited, 0);
    await waitFor(() => r.closed());
    assert.deepEqual(r.output, []);
  });
  test("the runtime reads the process spec on fd 3", async () => {
    const r = run("echo 1 >&4; cat <&3", false, '{"args":["true"]}');
    const h = await r.handle;
    assert.equal(await h.exited, 0);
    await waitFor(() => r.closed());
    assert.equal(r.output.map(([, s]) => s).join(""), '{"args":["true"]}');
  });

  test("a runtime that cannot be started rejects with its errno", async () => {
    await assert.rejects(
      directExec({
        argv: ["/nonexistent/crun"],
        spec: "{}",
        stdin: false,
        onOutput: () => undefined,
        onClose: () => undefined,
      }),
      { code: "ENOENT" },
    );
  });
});

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++)
    await new Promise((r) => setTimeout(r, 10));
  assert.ok(check(), "condition not met within 2 s");
}
