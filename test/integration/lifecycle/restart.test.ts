import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { skipReason, suiteDaemon } from "../harness.ts";
import { eventsOf, inspect, nowSeconds, sleep, until } from "./util.ts";

describe(
  "restart policies through the Docker CLI",
  { skip: skipReason() },
  () => {
    const d = suiteDaemon();

    const run = (...args: string[]) =>
      d.ok(["run", "-d", "--network", "none", ...args]);

    test("on-failure:2 restarts twice, then stays exited with its code and RestartCount 2", async () => {
      const since = nowSeconds();
      await run(
        "--name",
        "of2",
        "--restart",
        "on-failure:2",
        "busybox",
        "sh",
        "-c",
        "exit 3",
      );
      await until(
        "of2 exited after its retries",
        async () =>
          (await inspect(d, "of2", "{{.State.Status}} {{.RestartCount}}")) ===
          "exited 2",
      );
      assert.equal(await inspect(d, "of2", "{{.State.ExitCode}}"), "3");
      const actions = await eventsOf(d, "of2", since);
      assert.deepEqual(
        actions.filter((a) => a === "start" || a === "die"),
        ["start", "die", "start", "die", "start", "die"],
      );
    });

    test("always restarts a container that exits by itself; docker stop keeps it stopped", async () => {
      await run(
        "--name",
        "al",
        "--restart",
        "always",
        "busybox",
        "sh",
        "-c",
        "sleep 1; exit 1",
      );
      await until(
        "al restarted",
        async () => Number(await inspect(d, "al", "{{.RestartCount}}")) >= 1,
      );
      await d.ok(["stop", "-t", "1", "al"]);
      const count = await inspect(d, "al", "{{.RestartCount}}");
      // Longer than the backoff: a restart, if any, would have happened.
      await sleep(1500);
      assert.equal(await inspect(d, "al", "{{.State.Status}}"), "exited");
      assert.equal(await inspect(d, "al", "{{.RestartCount}}"), count);
      // A start by the user resets the count, as Docker does.
      await d.ok(["start", "al"]);
      assert.equal(await inspect(d, "al", "{{.RestartCount}}"), "0");
      await d.ok(["rm", "-f", "al"]);
    });

    test("a restarting container shows as Restarting; stop and rm -f end it", async () => {
      for (const name of ["loop1", "loop2"])
        await run(
          "--name",
          name,
          "--restart",
          "always",
          "busybox",
          "sh",
          "-c",
          "exit 5",
        );
      for (const name of ["loop1", "loop2"])
        await until(
          `${name} restarting`,
          async () =>
            (await inspect(
              d,
              name,
              "{{.State.Status}} {{.State.Restarting}} {{.State.Running}}",
            )) === "restarting true true",
        );
      // ps (without -a) lists it as Docker words it: "Restarting (5) … ago".
      await until("ps shows loop1 restarting", async () =>
        /^Restarting \(5\) /.test(
          await d.ok([
            "ps",
            "--filter",
            "name=loop1",
            "--format",
            "{{.Status}}",
          ]),
        ),
      );
      // Between two backoff delays the container briefly runs again (and rm
      // then answers "is running", as Docker does): on a loaded machine that
      // window can be hit, so ask again until rm meets it restarting.
      let rm = await d.docker(["rm", "loop2"]);
      for (let i = 0; i < 20 && /container is running/.test(rm.stderr); i++) {
        assert.notEqual(rm.code, 0);
        await sleep(100);
        rm = await d.docker(["rm", "loop2"]);
      }
      assert.notEqual(rm.code, 0);
      assert.match(
        rm.stderr,
        /container is restarting: stop the container before removing or force remove|You cannot remove a restarting container/,
      );
      await d.ok(["stop", "loop1"]);
      assert.equal(
        await inspect(d, "loop1", "{{.State.Status}} {{.State.ExitCode}}"),
        "exited 5",
      );
      await d.ok(["rm", "-f", "loop2"]);
      assert.notEqual((await d.docker(["inspect", "loop2"])).code, 0);
    });

    test("--restart with --rm and unknown policies are refused with Docker's messages", async () => {
      const cli = await d.docker([
        "run",
        "-d",
        "--rm",
        "--restart",
        "always",
        "busybox",
        "true",
      ]);
      assert.equal(cli.code, 125);
      assert.match(
        cli.stderr,
        /conflicting options: cannot specify both --restart and --rm/,
      );
      const api = await d.curl([
        "/v1.41/containers/create",
        "-w",
        " %{http_code}",
        "-H",
        "Content-Type: application/json",
        "-d",
        '{"Image":"busybox","HostConfig":{"AutoRemove":true,"RestartPolicy":{"Name":"always"}}}',
      ]);
      assert.equal(
        api.stdout.replace(/\s+/g, " "),
        `{"message":"can't create 'AutoRemove' container with restart policy"} 400`,
      );
      const bad = await d.docker([
        "create",
        "--restart",
        "sometimes",
        "busybox",
      ]);
      assert.notEqual(bad.code, 0);
      assert.match(
        bad.stderr,
        // Docker before 25 words it "invalid restart policy 'sometimes'".
        /invalid restart policy: unknown policy 'sometimes'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'|invalid restart policy 'sometimes'/,
      );
    });
  },
);

describe(
  "restart policies across a wharfd crash",
  {
    skip:
      skipReason() ??
      (process.env.TARGET === "docker"
        ? "dockerd killed with -9 cannot restart beside its orphaned containerd"
        : undefined),
  },
  () => {
    const d = suiteDaemon();

    test("always restarts a container that died while the daemon was down; unless-stopped stopped by the user stays stopped", async () => {
      const run = (...args: string[]) =>
        d.ok(["run", "-d", "--network", "none", ...args]);
      await run(
        "--name",
        "keep",
        "--restart",
        "always",
        "busybox",
        "sleep",
        "1000",
      );
      await run(
        "--name",
        "held",
        "--restart",
        "unless-stopped",
        "busybox",
        "sleep",
        "1000",
      );
      await run(
        "--name",
        "again",
        "--restart",
        "always",
        "busybox",
        "sleep",
        "1000",
      );
      await d.ok(["stop", "-t", "0", "held", "again"]);
      const pid = Number(await inspect(d, "keep", "{{.State.Pid}}"));
      assert.ok(pid > 0);
      await d.halt("SIGKILL");
      process.kill(pid, "SIGKILL");
      await d.start();
      await until(
        "keep running again",
        async () =>
          (await inspect(d, "keep", "{{.State.Status}}")) === "running",
      );
      assert.notEqual(Number(await inspect(d, "keep", "{{.State.Pid}}")), pid);
      assert.equal(await inspect(d, "held", "{{.State.Status}}"), "exited");
      // compat: Docker starts `always` containers at daemon start even after a user's stop.
      assert.equal(await inspect(d, "again", "{{.State.Status}}"), "running");
    });
  },
);
