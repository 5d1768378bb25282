import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { skipReason } from "../harness.ts";
import { buildFixture, context } from "./fixture.ts";

describe(
  "docker build (classic builder) through the real Docker CLI",
  { skip: skipReason() },
  () => {
    const { d, root } = buildFixture({
      prefix: "/tmp/wharf-build-it-",
      classic: true,
    });

    test("the cache demonstration: shared steps hit with the same ids, content changes invalidate, mtime does not, restarts keep it", async () => {
      const lv1 =
        "FROM busybox\nENV A=1\nCOPY app.txt /app/\nRUN cat /app/app.txt > /copy\n";
      const dir = context(root, "cache", {
        Dockerfile: lv1,
        "app.txt": "one\n",
        "Dockerfile.lv2": `${lv1}CMD ["cat", "/copy"]\n`,
      });
      const first = await d.ok(["build", "-t", "test:lv1", dir]);
      assert.match(first, /Step 1\/4 : FROM busybox/);
      assert.match(first, /Successfully tagged test:lv1/);
      const second = await d.ok([
        "build",
        "-t",
        "test:lv2",
        "-f",
        join(dir, "Dockerfile.lv2"),
        dir,
      ]);
      const ids = (out: string): string[] =>
        [...out.matchAll(/ ---> ([0-9a-f]{12})\n/g)].map((m) => m[1]!);
      assert.equal((second.match(/Using cache/g) ?? []).length, 3);
      assert.deepEqual(ids(second).slice(0, 4), ids(first).slice(0, 4));
      assert.equal((await d.ok(["run", "--rm", "test:lv2"])).trim(), "one");
      writeFileSync(join(dir, "app.txt"), "one\n");
      const touched = await d.ok(["build", "-t", "test:lv1", dir]);
      assert.equal((touched.match(/Using cache/g) ?? []).length, 3);
      writeFileSync(join(dir, "app.txt"), "two\n");
      const changed = await d.ok(["build", "-t", "test:lv1", dir]);
      assert.equal((changed.match(/Using cache/g) ?? []).length, 1, changed);
      await d.halt();
      await d.start();
      const restarted = await d.ok(["build", "-t", "test:lv1", dir]);
      assert.equal((restarted.match(/Using cache/g) ?? []).length, 3);
      assert.doesNotMatch(await d.ok(["images"]), /<none>/);
      const history = await d.ok([
        "history",
        "--no-trunc",
        "--format",
        "{{.CreatedBy}}",
        "test:lv2",
      ]);
      assert.match(history, /CMD \["cat","\/copy"\]/);
      assert.match(history, /\/bin\/sh -c cat \/app\/app.txt > \/copy/);
    });

    test("multi-stage: independent stages run in parallel, --target stops at a stage, COPY --from copies", async () => {
      const dir = context(root, "multi", {
        Dockerfile: [
          "FROM busybox AS a",
          "RUN date +%s > /a && sleep 2 && date +%s >> /a",
          "FROM busybox AS b",
          "RUN date +%s > /b && sleep 2 && date +%s >> /b",
          "FROM busybox AS unused",
          "RUN exit 1",
          "FROM busybox",
          "COPY --from=a /a /out/a",
          "COPY --from=1 /b /out/b",
          'CMD ["cat", "/out/a", "/out/b"]',
          "",
        ].join("\n"),
      });
      // --network none: bridge endpoint set-up is serialised in the networks service.
      const out = await d.ok([
        "build",
        "--no-cache",
        "--network",
        "none",
        "-t",
        "multi",
        dir,
      ]);
      assert.doesNotMatch(out, /exit 1/);
      // Each stage wrote its start and end second: they ran at once when the intervals overlap.
      const [aStart, aEnd, bStart, bEnd] = (
        await d.ok(["run", "--rm", "multi"])
      )
        .trim()
        .split(/\s+/)
        .map(Number);
      assert.ok(
        Math.max(aStart!, bStart!) < Math.min(aEnd!, bEnd!),
        `stages ran one after another: a ${aStart}-${aEnd}, b ${bStart}-${bEnd}`,
      );
      const target = await d.ok([
        "build",
        "--target",
        "a",
        "-t",
        "multi:a",
        dir,
      ]);
      assert.doesNotMatch(target, /> \/b/);
    });

    test("RUN --mount=type=cache keeps files across --no-cache builds; heredoc RUN and COPY work", async () => {
      const dir = context(root, "mounts", {
        Dockerfile: [
          "FROM busybox",
          "RUN --mount=type=cache,target=/cache echo x >> /cache/log && wc -l < /cache/log > /count",
          "RUN <<EOF",
          "echo from heredoc > /here",
          "EOF",
          "COPY <<EOF /etc/conf",
          "key=value",
          "EOF",
          'CMD ["cat", "/count", "/here", "/etc/conf"]',
          "",
        ].join("\n"),
      });
      await d.ok(["build", "--no-cache", "-t", "mounts", dir]);
      await d.ok(["build", "--no-cache", "-t", "mounts", dir]);
      assert.deepEqual(
        (await d.ok(["run", "--rm", "mounts"])).trim().split("\n"),
        ["2", "from heredoc", "key=value"],
      );
    });

    test("bad input: syntax errors name the line, escapes are refused, a failing RUN leaves no container", async () => {
      const dir = context(root, "bad", {
        Dockerfile: "FROM busybox\nRUN true\nBOGUS x\n",
        "ok.txt": "x",
      });
      const syntax = await d.docker(["build", dir]);
      assert.notEqual(syntax.code, 0);
      assert.match(syntax.stderr, /line 3: unknown instruction: BOGUS/);
      writeFileSync(
        join(dir, "Dockerfile"),
        "FROM busybox\nCOPY ../etc/passwd /\n",
      );
      assert.match(
        (await d.docker(["build", dir])).stderr,
        /forbidden path outside the build context/,
      );
      symlinkSync("../../../../etc", join(dir, "up"));
      writeFileSync(
        join(dir, "Dockerfile"),
        "FROM busybox\nCOPY up/passwd /\n",
      );
      assert.match(
        (await d.docker(["build", dir])).stderr,
        /forbidden path outside the build context/,
      );
      rmSync(join(dir, "up"));
      writeFileSync(join(dir, "Dockerfile"), "FROM busybox\nRUN exit 7\n");
      // compat: without --force-rm the legacy builder keeps the failed step's
      // container (containers.test.ts checks that).
      const failed = await d.docker(["build", "--force-rm", dir]);
      assert.equal(failed.code, 7);
      assert.match(
        failed.stderr,
        /The command '\/bin\/sh -c exit 7' returned a non-zero code: 7/,
      );
      assert.equal((await d.ok(["ps", "-aq"])).trim(), "");
    });

    test("the CMD/ENTRYPOINT table: the process started matches Docker's documented result", async () => {
      const cases: [string, string[], string][] = [
        ["CMD echo c", [], "c"],
        ['CMD ["echo", "c"]', ["echo", "run"], "run"],
        ['ENTRYPOINT ["echo", "e"]\nCMD ["c"]', [], "e c"],
        ['ENTRYPOINT ["echo", "e"]\nCMD ["c"]', ["x"], "e x"],
        ['ENTRYPOINT ["echo", "e"]\nCMD echo c', [], "e /bin/sh -c echo c"],
        ['ENTRYPOINT echo e\nCMD ["c"]', ["x"], "e"],
      ];
      for (const [i, [lines, args, want]] of cases.entries()) {
        const dir = context(root, `table${i}`, {
          Dockerfile: `FROM busybox\n${lines}\n`,
        });
        await d.ok(["build", "-q", "-t", `table:${i}`, dir]);
        assert.equal(
          (await d.ok(["run", "--rm", `table:${i}`, ...args])).trim(),
          want,
          lines,
        );
      }
    });
    test("RUN has no TTY, as in Docker's builder: stdout and stderr arrive with plain newlines", async () => {
      const dir = context(root, "notty", {
        Dockerfile:
          "FROM busybox\nRUN if test -t 1; then echo tty; else echo notty; fi; echo to-stderr >&2\n",
      });
      const out = await d.ok(["build", "--no-cache", dir]);
      assert.match(out, /\nnotty\n/);
      // compat: the legacy builder sends stderr wrapped in ESC[91m … ESC[0m.
      assert.match(out, /\n\u001b\[91mto-stderr\n\u001b\[0m/);
      // (The CLI's own "Sending build context" progress line ends in "\r".)
      assert.doesNotMatch(out.slice(out.indexOf("Step 1/")), /\r/);
    });
    test("resource flags reach the RUN containers: --memory, --cpu-quota/--cpu-period, --cpuset-cpus, --ulimit, --shm-size", async () => {
      // cgroup v1 or v2, whichever the host has; the RUN writes what it saw into the image.
      const probe = [
        "c=/sys/fs/cgroup",
        "if [ -f $c/memory.max ]; then m=$c/memory.max; q=$c/cpu.max; s=$c/cpuset.cpus",
        "else m=$c/memory/memory.limit_in_bytes; q=$c/cpu/cpu.cfs_quota_us; s=$c/cpuset/cpuset.cpus; fi",
        "{ ulimit -n; cat $m; cut -d' ' -f1 $q; cat $s; df -k /dev/shm | tail -1; } > /seen",
      ].join("; ");
      const dir = context(root, "resources", {
        Dockerfile: `FROM busybox\nRUN ${probe}\nCMD ["cat", "/seen"]\n`,
      });
      await d.ok([
        "build",
        "-q",
        "-t",
        "resources:1",
        "--memory",
        "64m",
        "--memory-swap",
        "96m",
        "--cpu-quota",
        "50000",
        "--cpu-period",
        "100000",
        "--cpuset-cpus",
        "0",
        "--ulimit",
        "nofile=512:512",
        "--shm-size",
        "8m",
        dir,
      ]);
      const seen = await d.ok([
        "run",
        "--rm",
        "--network",
        "none",
        "resources:1",
      ]);
      assert.match(seen, /^512\n67108864\n50000\n0\n\S+ +8192 /);
    });
  },
);
