import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, rmdirSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { skipReason, TestDaemon } from "../harness.ts";

/** A v1 cgroup file of a container under `parent` (wharf, or docker for TARGET=docker). */
function cgroupFile(
  controller: string,
  parent: string,
  id: string,
  file: string,
): string {
  return `/sys/fs/cgroup/${controller}/${parent}/${id}/${file}`;
}

const PARENT = process.env.TARGET === "docker" ? "docker" : "wharf";

describe(
  "HostConfig fields through the Docker CLI reach the container or are refused",
  { skip: skipReason() },
  () => {
    const d = new TestDaemon();
    const cgroupParent = `wharf-audit-${randomBytes(4).toString("hex")}`;
    before(async () => {
      await d.start();
      await d.importBusybox();
    });
    after(async () => {
      await d.stop();
      // Every hierarchy (v1 controllers, the unified v2 tree of a hybrid host).
      for (const c of readdirSync("/sys/fs/cgroup")) {
        const dir = `/sys/fs/cgroup/${c}/${cgroupParent}`;
        if (existsSync(dir)) rmdirSync(dir);
      }
    });

    const run = (...args: string[]) =>
      d.ok(["run", "--rm", "--network", "none", ...args]);

    test("--device maps a host device node under a new name, usable by the process", async () => {
      const out = await run(
        "--device",
        "/dev/null:/dev/xnull",
        "busybox",
        "sh",
        "-c",
        "echo hi > /dev/xnull && ls -l /dev/xnull",
      );
      assert.match(out, /^c.* 1,\s+3 .*\/dev\/xnull$/m);
      const missing = await d.docker([
        "run",
        "--rm",
        "--network",
        "none",
        "--device",
        "/dev/does-not-exist",
        "busybox",
        "true",
      ]);
      assert.notEqual(missing.code, 0);
      assert.match(
        missing.stderr,
        /error gathering device information while adding custom device "\/dev\/does-not-exist": no such file or directory/,
      );
    });

    test("--oom-score-adj and --group-add are what the process sees", async () => {
      assert.equal(
        (
          await run(
            "--oom-score-adj",
            "300",
            "busybox",
            "cat",
            "/proc/self/oom_score_adj",
          )
        ).trim(),
        "300",
      );
      const groups = (await run("--group-add", "1234", "busybox", "id", "-G"))
        .trim()
        .split(" ");
      assert.ok(groups.includes("1234"), groups.join(" "));
    });

    test("--memory-reservation, --memory-swappiness, --oom-kill-disable and --cpuset-mems reach the cgroup", async () => {
      const id = (
        await d.ok([
          "run",
          "-d",
          "--network",
          "none",
          "--memory",
          "64m",
          "--memory-reservation",
          "32m",
          "--memory-swappiness",
          "7",
          "--oom-kill-disable",
          "--cpuset-mems",
          "0",
          "busybox",
          "sleep",
          "1000",
        ])
      ).trim();
      try {
        const read = (c: string, f: string) =>
          readFileSync(cgroupFile(c, PARENT, id, f), "utf8");
        assert.equal(
          read("memory", "memory.soft_limit_in_bytes").trim(),
          String(32 << 20),
        );
        assert.equal(read("memory", "memory.swappiness").trim(), "7");
        assert.match(
          read("memory", "memory.oom_control"),
          /^oom_kill_disable 1$/m,
        );
        assert.equal(read("cpuset", "cpuset.mems").trim(), "0");
      } finally {
        await d.docker(["rm", "-f", id]);
      }
    });

    test("--cgroup-parent puts the container's cgroup under that parent", async () => {
      const id = (
        await d.ok([
          "run",
          "-d",
          "--network",
          "none",
          "--cgroup-parent",
          cgroupParent,
          "busybox",
          "sleep",
          "1000",
        ])
      ).trim();
      try {
        assert.ok(existsSync(`/sys/fs/cgroup/memory/${cgroupParent}/${id}`));
      } finally {
        await d.docker(["rm", "-f", id]);
      }
    });

    test("--log-driver none keeps no log: docker logs answers Docker's error", async () => {
      const id = (
        await d.ok([
          "run",
          "-d",
          "--network",
          "none",
          "--log-driver",
          "none",
          "busybox",
          "echo",
          "hello",
        ])
      ).trim();
      try {
        await d.ok(["wait", id]);
        const logs = await d.docker(["logs", id]);
        assert.notEqual(logs.code, 0);
        assert.match(
          logs.stderr,
          /configured logging driver does not support reading/,
        );
      } finally {
        await d.docker(["rm", "-f", id]);
      }
    });

    test("unbuilt or unknown settings are refused at create, leaving nothing behind", async () => {
      for (const [flags, re] of [
        [["--runtime", "kata"], /Unknown runtime specified kata/],
        [["--storage-opt", "size=1G"], /--storage-opt/],
        [
          ["--log-driver", "bogus"],
          /logger: no log driver named 'bogus' is registered/,
        ],
        [["--log-driver", "gelf"], /not implemented: logging driver "gelf"/],
        [
          ["--log-opt", "foo=1"],
          /unknown log opt 'foo' for json-file log driver/,
        ],
        [
          ["--oom-score-adj", "5000"],
          /range for oom score adj is \[-1000, 1000\]/,
        ],
      ] as const) {
        const r = await d.docker([
          "create",
          "--network",
          "none",
          ...flags,
          "busybox",
          "true",
        ]);
        assert.notEqual(r.code, 0, flags.join(" "));
        assert.match(r.stderr, re);
      }
      assert.equal((await d.ok(["ps", "-aq"])).trim(), "");
    });
  },
);
