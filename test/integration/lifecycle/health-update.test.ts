import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { skipReason, suiteDaemon } from "../harness.ts";
import { eventsOf, inspect, nowSeconds, until } from "./util.ts";

/** The memory limit file of a container's cgroup (v1 hybrid or v2). */
function memoryLimitFile(id: string): string {
  const parent = process.env.TARGET === "docker" ? "docker" : "wharf";
  const v1 = `/sys/fs/cgroup/memory/${parent}/${id}/memory.limit_in_bytes`;
  return existsSync(v1) ? v1 : `/sys/fs/cgroup/${parent}/${id}/memory.max`;
}

describe(
  "health checks and docker update through the Docker CLI",
  { skip: skipReason() },
  () => {
    const d = suiteDaemon();

    const run = (...args: string[]) =>
      d.ok(["run", "-d", "--network", "none", ...args]);

    test("a passing health check turns healthy, with its log, ps status and event", async () => {
      const since = nowSeconds();
      await run(
        "--name",
        "ok",
        "--health-cmd",
        "echo fine",
        "--health-interval",
        "1s",
        "busybox",
        "sleep",
        "1000",
      );
      assert.equal(
        await inspect(d, "ok", "{{.State.Health.Status}}"),
        "starting",
      );
      await until(
        "ok healthy",
        async () =>
          (await inspect(d, "ok", "{{.State.Health.Status}}")) === "healthy",
      );
      const health = JSON.parse(
        await inspect(d, "ok", "{{json .State.Health}}"),
      ) as {
        FailingStreak: number;
        Log: { ExitCode: number; Output: string }[];
      };
      assert.equal(health.FailingStreak, 0);
      assert.deepEqual(
        health.Log[0] && [health.Log[0].ExitCode, health.Log[0].Output],
        [0, "fine\n"],
      );
      assert.match(
        await d.ok(["ps", "--filter", "name=ok", "--format", "{{.Status}}"]),
        /^Up .* \(healthy\)$/m,
      );
      assert.equal(
        (
          await d.ok([
            "ps",
            "--filter",
            "health=healthy",
            "--format",
            "{{.Names}}",
          ])
        ).trim(),
        "ok",
      );
      const actions = await eventsOf(d, "ok", since);
      assert.ok(actions.includes("health_status: healthy"), actions.join(","));
      assert.ok(
        actions.includes("exec_create: /bin/sh -c echo fine"),
        actions.join(","),
      );
    });

    test("a failing health check turns unhealthy after its retries", async () => {
      const since = nowSeconds();
      await run(
        "--name",
        "bad",
        "--health-cmd",
        "false",
        "--health-interval",
        "1s",
        "--health-retries",
        "2",
        "busybox",
        "sleep",
        "1000",
      );
      await until(
        "bad unhealthy",
        async () =>
          (await inspect(d, "bad", "{{.State.Health.Status}}")) === "unhealthy",
      );
      assert.ok(
        Number(await inspect(d, "bad", "{{.State.Health.FailingStreak}}")) >= 2,
      );
      assert.ok(
        (await eventsOf(d, "bad", since)).includes("health_status: unhealthy"),
      );
      assert.equal(
        (
          await d.ok([
            "ps",
            "--filter",
            "health=unhealthy",
            "--format",
            "{{.Names}}",
          ])
        ).trim(),
        "bad",
      );
      await d.ok(["rm", "-f", "bad"]);
    });

    test("docker update changes the restart policy and the memory limit of a running container", async () => {
      const id = (await run("--name", "up", "busybox", "sleep", "1000")).trim();
      assert.equal(
        (await d.ok(["update", "--restart", "always", "up"])).trim(),
        "up",
      );
      assert.equal(
        await inspect(d, "up", "{{.HostConfig.RestartPolicy.Name}}"),
        "always",
      );
      const r = await d.docker(["update", "--memory", "64m", "up"]);
      assert.notEqual(r.code, 0);
      assert.match(
        r.stderr,
        /Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time/,
      );
      await d.ok(["update", "--memory", "64m", "--memory-swap", "128m", "up"]);
      assert.equal(
        readFileSync(memoryLimitFile(id), "utf8").trim(),
        String(64 * 1024 * 1024),
      );
      assert.equal(
        await inspect(
          d,
          "up",
          "{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}",
        ),
        `${64 * 1024 * 1024} ${128 * 1024 * 1024}`,
      );
      const missing = await d.docker(["update", "--restart", "no", "nope"]);
      assert.match(missing.stderr, /No such container: nope/);
      await d.ok(["rm", "-f", "up"]);
    });
  },
);
