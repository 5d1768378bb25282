import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { execFile } from "../../../src/util/exec.ts";
import { skipReason, wharfOnly } from "../harness.ts";
import { buildFixture } from "./fixture.ts";

const cli = resolve(import.meta.dirname, "../../../dist/wharf.cjs");

describe(
  "wharf build and wharf builder prune against wharfd",
  { skip: skipReason() ?? wharfOnly("the wharf CLI's own build command") },
  () => {
    const { d, root } = buildFixture({ prefix: "/tmp/wharf-cli-build-" });
    const wharf = (args: string[], input?: string) =>
      execFile(process.execPath, [cli, ...args], {
        env: d.env,
        ...(input !== undefined ? { input } : {}),
      });

    test("plain progress prints the legacy builder's lines; tags, build args, labels, --iidfile", async () => {
      const dir = join(root, "plain");
      mkdirSync(dir);
      writeFileSync(join(dir, "a.txt"), "A\n");
      writeFileSync(join(dir, "skip.log"), "no\n");
      writeFileSync(join(dir, ".dockerignore"), "*.log\n");
      writeFileSync(
        join(dir, "Dockerfile"),
        "FROM busybox\nARG WHO\nCOPY . /ctx/\nRUN echo hello $WHO > /greet\nCMD cat /greet; ls /ctx\n",
      );
      const iid = join(root, "iid");
      const r = await wharf([
        "build",
        "--progress=plain",
        "-t",
        "cli-b:1",
        "-t",
        "cli-b:2",
        "--build-arg",
        "WHO=world",
        "--label",
        "team=core",
        "--iidfile",
        iid,
        dir,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        r.stdout,
        /^Sending build context to Docker daemon {2}\S+B\n/m,
      );
      assert.match(r.stdout, /Step 1\/6 : FROM busybox/);
      assert.match(r.stdout, /Step 6\/6 : LABEL "team"="core"/);
      assert.match(
        r.stdout,
        /Successfully tagged cli-b:1\nSuccessfully tagged cli-b:2\n/,
      );
      const id = readFileSync(iid, "utf8");
      assert.match(id, /^sha256:[0-9a-f]{64}$/);
      const out = await d.ok(["run", "--rm", "--network", "none", "cli-b:2"]);
      assert.equal(out, "hello world\nDockerfile\na.txt\n");
      const label = await d.ok([
        "image",
        "inspect",
        "-f",
        "{{.Config.Labels.team}} {{.Id}}",
        "cli-b:1",
      ]);
      assert.equal(label, `core ${id}\n`);
    });

    test("tty progress: one line per step with CACHED/DONE and its time; -q prints only the id", async () => {
      const dir = join(root, "tty");
      mkdirSync(dir);
      writeFileSync(
        join(dir, "Dockerfile"),
        "FROM busybox\nRUN echo step-output\nENV X=1\n",
      );
      await wharf(["build", "-q", "-t", "cli-tty:1", dir]);
      const r = await wharf([
        "build",
        "--progress=tty",
        "--no-cache",
        "-t",
        "cli-tty:1",
        dir,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        r.stdout,
        /^\[2\/3\] RUN echo step-output\n {4}step-output\n {4}=> DONE \d+\.\ds$/m,
      );
      assert.match(r.stdout, /^\[3\/3\] ENV X=1 {2}DONE \d+\.\ds$/m);
      const cached = await wharf([
        "build",
        "--progress=tty",
        "-t",
        "cli-tty:1",
        dir,
      ]);
      assert.match(
        cached.stdout,
        /^\[2\/3\] RUN echo step-output {2}CACHED \d+\.\ds$/m,
      );
      const q = await wharf(["build", "-q", dir]);
      assert.match(q.stdout, /^sha256:[0-9a-f]{64}\n$/);
    });

    test("-f - reads the Dockerfile from stdin; - reads a Dockerfile-only context; a failing RUN gives its exit code", async () => {
      const dir = join(root, "stdin");
      mkdirSync(dir);
      writeFileSync(join(dir, "f.txt"), "F\n");
      const r = await wharf(
        ["build", "-q", "-t", "cli-stdin:1", "-f", "-", dir],
        'FROM busybox\nCOPY f.txt /\nCMD ["cat", "/f.txt"]\n',
      );
      assert.equal(r.code, 0, r.stderr);
      assert.equal(
        await d.ok(["run", "--rm", "--network", "none", "cli-stdin:1"]),
        "F\n",
      );
      const alone = await wharf(
        ["build", "-q", "-t", "cli-stdin:2", "-"],
        'FROM busybox\nCMD ["echo", "alone"]\n',
      );
      assert.equal(alone.code, 0, alone.stderr);
      assert.equal(
        await d.ok(["run", "--rm", "--network", "none", "cli-stdin:2"]),
        "alone\n",
      );
      // --force-rm: a failed step's container would otherwise stay (as
      // dockerd keeps it) and hold its cache image for the prune test below.
      const failing = await wharf(
        ["build", "--force-rm", "-"],
        "FROM busybox\nRUN exit 7\n",
      );
      assert.equal(failing.code, 7);
      assert.match(failing.stderr, /returned a non-zero code: 7/);
      const missing = await wharf(["build", join(root, "nope")]);
      assert.equal(missing.code, 1);
      assert.match(
        missing.stderr,
        /unable to prepare context: path ".*nope" not found/,
      );
    });

    test("builder prune -a -f removes the build cache and says what it reclaimed", async () => {
      const r = await wharf(["builder", "prune", "-a", "-f"]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Total reclaimed space: /);
      const df = await d.ok([
        "system",
        "df",
        "--format",
        "{{.Type}} {{.TotalCount}}",
      ]);
      assert.match(df, /^Build Cache 0$/m);
    });
  },
);
