import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { execFile } from "../../../src/util/exec.ts";
import { dockerBin, skipReason, suiteDaemon } from "../harness.ts";

describe("docker run against wharfd", { skip: skipReason() }, () => {
  const d = suiteDaemon();

  test("run --rm busybox echo hi prints hi and leaves no container", async () => {
    const r = await d.docker(["run", "--rm", "busybox", "echo", "hi"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "hi\n");
    assert.equal((await d.ok(["ps", "-aq"])).trim(), "");
  });

  test("stdin is piped with -i: echo data | docker run -i --rm busybox cat", async () => {
    const r = await d.docker(["run", "-i", "--rm", "busybox", "cat"], {
      input: "data\nmore data\n",
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "data\nmore data\n");
  });

  test("the container's exit code becomes docker run's exit code, stderr stays stderr", async () => {
    const r = await d.docker([
      "run",
      "--rm",
      "busybox",
      "sh",
      "-c",
      "echo out; echo err >&2; exit 7",
    ]);
    assert.equal(r.code, 7);
    assert.equal(r.stdout, "out\n");
    assert.equal(r.stderr, "err\n");
  });

  test("an interactive run -it busybox sh through a pseudo-terminal runs typed commands and exit 3 gives 3", async () => {
    const script = `(sleep 1.5; printf 'echo typed-$((40+2))\\n'; sleep 1; printf 'exit 3\\n'; sleep 1.5) | script -qec "${dockerBin} run -it --name tty1 busybox sh" /dev/null`;
    const r = await execFile("sh", ["-c", script], { env: d.env });
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stdout, /typed-42/);
    assert.equal(
      (
        await d.ok([
          "inspect",
          "--format",
          "{{.State.ExitCode}} {{.Config.Tty}}",
          "tty1",
        ])
      ).trim(),
      "3 true",
    );
    await d.ok(["rm", "tty1"]);
  });

  test("logs: json-file turns invalid UTF-8 into U+FFFD as Docker, local gives back the bytes", async () => {
    await d.ok([
      "run",
      "--name",
      "bytes1",
      "busybox",
      "printf",
      "\\377\\376A\\n",
    ]);
    const r = spawnSync(dockerBin, ["logs", "bytes1"], { env: d.env });
    // compat: json-file stores JSON strings: moby writes \ufffd for each invalid byte.
    const fffd = [0xef, 0xbf, 0xbd];
    assert.deepEqual(r.stdout, Buffer.from([...fffd, ...fffd, 0x41, 0x0a]));
    await d.ok(["rm", "bytes1"]);
    // The local driver keeps the bytes themselves.
    await d.ok([
      "run",
      "--name",
      "bytes2",
      "--log-driver",
      "local",
      "busybox",
      "printf",
      "\\377\\376A\\n",
    ]);
    const l = spawnSync(dockerBin, ["logs", "bytes2"], { env: d.env });
    assert.deepEqual(l.stdout, Buffer.from([0xff, 0xfe, 0x41, 0x0a]));
    await d.ok(["rm", "bytes2"]);
  });

  test("--privileged gets every capability the daemon holds and may mount", async () => {
    const out = await d.ok([
      "run",
      "--rm",
      "--privileged",
      "busybox",
      "sh",
      "-c",
      "mkdir -p /m && mount -t tmpfs t /m && echo mounted",
    ]);
    assert.equal(out, "mounted\n");
  });

  test("a -t container sees the client's terminal size from its first command", async () => {
    const script = `script -qec "stty rows 31 cols 101; ${dockerBin} run -t --rm busybox stty size" /dev/null </dev/null`;
    const r = await execFile("sh", ["-c", script], { env: d.env });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^31 101\r?$/m);
  });

  test("-e, -w, -u, -h, --entrypoint and --label reach the container", async () => {
    const out = await d.ok([
      "run",
      "--rm",
      "-e",
      "FOO=bar",
      "-w",
      "/tmp",
      "-u",
      "nobody",
      "-h",
      "box1",
      "--label",
      "a=b",
      "--entrypoint",
      "sh",
      "busybox",
      "-c",
      'echo "$FOO $(pwd) $(id -u) $(hostname)"',
    ]);
    assert.equal(out, "bar /tmp 65534 box1\n");
  });

  test("--init runs tini as pid 1", async () => {
    const out = await d.ok([
      "run",
      "--rm",
      "--init",
      "busybox",
      "ps",
      "-o",
      "pid,args",
    ]);
    assert.match(out, /^\s*1\s+\/\S*init/m);
  });

  test("a missing command gives Docker's exit code 127", async () => {
    const r = await d.docker(["run", "--rm", "busybox", "no-such-binary"]);
    assert.equal(r.code, 127, r.stderr);
  });
});
