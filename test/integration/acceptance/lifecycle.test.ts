import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "../../../src/util/exec.ts";
import { dockerBin, skipReason, suiteDaemon } from "../harness.ts";

describe(
  "a detached web server through its whole lifecycle",
  { skip: skipReason() },
  () => {
    const d = suiteDaemon();

    test("run -d --name web busybox httpd -f -p 8080 prints the id and runs", async () => {
      const id = (
        await d.ok([
          "run",
          "-d",
          "--name",
          "web",
          "busybox",
          "sh",
          "-c",
          "echo started; echo warn >&2; exec httpd -f -v -p 8080",
        ])
      ).trim();
      assert.match(id, /^[0-9a-f]{64}$/);
      assert.equal(
        (
          await d.ok([
            "inspect",
            "--format",
            "{{.State.Status}} {{.Name}}",
            "web",
          ])
        ).trim(),
        "running /web",
      );
    });

    test("logs shows what the container printed, stdout and stderr apart", async () => {
      await new Promise((ok) => setTimeout(ok, 300));
      const r = await d.docker(["logs", "web"]);
      assert.equal(r.stdout, "started\n");
      assert.equal(r.stderr, "warn\n");
      const ts = await d.ok(["logs", "-t", "--tail", "2", "web"]);
      assert.match(ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z started\n$/);
    });

    test("exec web ps lists httpd", async () => {
      const out = await d.ok(["exec", "web", "ps"]);
      assert.match(out, /httpd -f -v -p 8080/);
    });

    test("exec keeps the exit code and exec -it web sh works through a terminal", async () => {
      const r = await d.docker(["exec", "web", "sh", "-c", "exit 5"]);
      assert.equal(r.code, 5);
      const script = `(sleep 1; printf 'echo in-$((6*7))\\n'; sleep 0.7; printf 'exit 4\\n'; sleep 1) | script -qec "${dockerBin} exec -it web sh" /dev/null`;
      const t = await execFile("sh", ["-c", script], { env: d.env });
      assert.equal(t.code, 4, t.stdout + t.stderr);
      assert.match(t.stdout, /in-42/);
    });

    test("top shows the container's processes", async () => {
      const out = await d.ok(["top", "web"]);
      assert.match(
        out.split("\n")[0]!,
        /UID\s+PID\s+PPID\s+C\s+STIME\s+TTY\s+TIME\s+CMD/,
      );
      assert.match(out, /httpd -f -v -p 8080/);
    });

    test("pause and unpause freeze and thaw the container", async () => {
      await d.ok(["pause", "web"]);
      assert.equal(
        (
          await d.ok([
            "inspect",
            "--format",
            "{{.State.Status}} {{.State.Paused}}",
            "web",
          ])
        ).trim(),
        "paused true",
      );
      await d.ok(["unpause", "web"]);
      assert.equal(
        (
          await d.ok(["inspect", "--format", "{{.State.Status}}", "web"])
        ).trim(),
        "running",
      );
    });

    test("rename changes the name the container answers to", async () => {
      await d.ok(["rename", "web", "web2"]);
      assert.equal(
        (await d.ok(["inspect", "--format", "{{.Name}}", "web2"])).trim(),
        "/web2",
      );
      const r = await d.docker(["inspect", "web"]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /No such object: web/);
      await d.ok(["rename", "web2", "web"]);
    });

    test("stop ends it the way Docker does: sh ignores SIGTERM as pid 1, so SIGKILL after the timeout gives 137", async () => {
      const waiter = d.docker(["wait", "web"]);
      await d.ok(["stop", "-t", "1", "web"]);
      assert.equal((await waiter).stdout.trim(), "137");
      assert.equal(
        (
          await d.ok(["inspect", "--format", "{{.State.ExitCode}}", "web"])
        ).trim(),
        "137",
      );
    });

    test("ps -a --filter status=exited lists it with Docker's status text", async () => {
      const out = await d.ok([
        "ps",
        "-a",
        "--filter",
        "status=exited",
        "--format",
        "{{.Names}} {{.Status}}",
      ]);
      assert.match(
        out,
        /^web Exited \(137\) (Less than a second|\d+ seconds?) ago$/m,
      );
      // compat: a status filter lists stopped containers even without -a.
      assert.match(
        await d.ok([
          "ps",
          "--filter",
          "status=exited",
          "--format",
          "{{.Names}}",
        ]),
        /^web$/m,
      );
    });

    test("rm removes it and a second rm says No such container", async () => {
      await d.ok(["rm", "web"]);
      const r = await d.docker(["rm", "web"]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /No such container: web/);
    });

    test("wait returns the exit code of a container that exits later", async () => {
      await d.ok([
        "run",
        "-d",
        "--name",
        "w1",
        "busybox",
        "sh",
        "-c",
        "sleep 0.5; exit 9",
      ]);
      assert.equal((await d.ok(["wait", "w1"])).trim(), "9");
      await d.ok(["rm", "w1"]);
    });

    test("kill -s sends the named signal and the die code shows it", async () => {
      await d.ok([
        "run",
        "-d",
        "--name",
        "k1",
        "busybox",
        "sh",
        "-c",
        "trap 'exit 42' USR1; while true; do sleep 0.1; done",
      ]);
      await new Promise((ok) => setTimeout(ok, 300));
      await d.ok(["kill", "-s", "USR1", "k1"]);
      assert.equal((await d.ok(["wait", "k1"])).trim(), "42");
      await d.ok(["rm", "k1"]);
    });

    test("restart runs the container again with a new start time", async () => {
      await d.ok(["run", "-d", "--name", "r1", "busybox", "sleep", "300"]);
      const before1 = (
        await d.ok(["inspect", "--format", "{{.State.StartedAt}}", "r1"])
      ).trim();
      await d.ok(["restart", "-t", "0", "r1"]);
      const after1 = (
        await d.ok([
          "inspect",
          "--format",
          "{{.State.StartedAt}} {{.State.Status}}",
          "r1",
        ])
      ).trim();
      assert.notEqual(after1.split(" ")[0], before1);
      assert.equal(after1.split(" ")[1], "running");
      await d.ok(["rm", "-f", "r1"]);
    });
  },
);
