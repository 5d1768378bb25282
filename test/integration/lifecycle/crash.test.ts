/**
 * kill -9 of wharfd at each step of create, start, stop, exit and remove
 * (the test-only fault hook WHARF_TEST_FAULT, util/fault.ts), then a new
 * daemon on the same roots: it must release exactly what the dead one had
 * acquired, leaving no mounts, netns, cgroups, bundles, runtime state or
 * conmon behind, and the container usable again.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { mountsUnder, skipReason, TestDaemon, wharfOnly } from "../harness.ts";
import { inspect, until } from "./util.ts";

describe(
  "crash at each step, then recovery",
  { skip: skipReason() ?? wharfOnly("the fault hook is wharf's") },
  () => {
    const d = new TestDaemon();
    before(async () => {
      await d.start();
      await d.importBusybox();
    });
    after(async () => {
      delete process.env.WHARF_TEST_FAULT;
      if (!alive()) await d.start();
      await d.stop();
    });

    const alive = (): boolean => {
      const pid = d.pid;
      if (!pid) return false;
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        return !/^\d+ \([^)]*\) Z/.test(stat);
      } catch {
        return false;
      }
    };

    /** Restarts wharfd armed at point (or disarmed). */
    const restart = async (point: string | undefined): Promise<void> => {
      await d.halt();
      if (point) process.env.WHARF_TEST_FAULT = point;
      else delete process.env.WHARF_TEST_FAULT;
      try {
        await d.start();
      } finally {
        delete process.env.WHARF_TEST_FAULT;
      }
    };

    /** Runs the CLI expecting the daemon to die on the way; waits until it is gone. */
    const crash = async (args: string[]): Promise<void> => {
      await d.docker(args);
      await until("wharfd died at the fault point", async () => !alive());
    };

    /** What a container's run could leave behind, by id. */
    const leftovers = (id: string): string[] => {
      const out: string[] = [];
      for (const m of mountsUnder(d.dir)) if (m.includes(id)) out.push(m);
      for (const n of readdirSync("/run/netns").filter((x) =>
        x.endsWith(id.slice(0, 12)),
      ))
        out.push(`/run/netns/${n}`);
      for (const c of ["memory", "pids", "cpu", "freezer"])
        if (existsSync(`/sys/fs/cgroup/${c}/wharf/${id}`))
          out.push(`cgroup ${c}`);
      if (existsSync(join(d.dir, "run/containers", id))) out.push("bundle");
      if (existsSync(join(d.dir, "run/runtime/crun", id)))
        out.push("runtime state");
      for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p)))
        try {
          const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
          if (cmd.startsWith("/usr/bin/conmon") && cmd.includes(id))
            out.push(`conmon ${pid}`);
        } catch {
          // gone meanwhile
        }
      return out;
    };

    const idOf = async (name: string) => inspect(d, name, "{{.Id}}");

    test("create: a crash after the writable layer leaves no container and no name", async () => {
      await restart("create:layer");
      await crash(["create", "--name", "cr1", "busybox", "true"]);
      await restart(undefined);
      assert.equal((await d.ok(["ps", "-aq"])).trim(), "");
      assert.deepEqual(readdirSync(join(d.dir, "data/containers")), []);
      await d.ok(["create", "--name", "cr1", "busybox", "true"]);
      await d.ok(["rm", "cr1"]);
    });

    for (const point of [
      "start:begin",
      "start:acquired-network",
      "start:created",
    ])
      test(`start: a crash at ${point} is released at the next boot and the container starts again`, async () => {
        await d.ok(["create", "--name", "st", "busybox", "sleep", "100"]);
        const id = await idOf("st");
        await restart(point);
        await crash(["start", "st"]);
        await restart(undefined);
        assert.deepEqual(leftovers(id), []);
        assert.notEqual(await inspect(d, "st", "{{.State.Status}}"), "running");
        await d.ok(["start", "st"]);
        assert.equal(await inspect(d, "st", "{{.State.Status}}"), "running");
        await d.ok(["rm", "-f", "st"]);
        assert.deepEqual(leftovers(id), []);
      });

    test("stop: a crash after saving stoppedByUser keeps the container running and its next stop releases everything", async () => {
      await d.ok([
        "run",
        "-d",
        "--name",
        "sp",
        "--restart",
        "always",
        "busybox",
        "sleep",
        "100",
      ]);
      const id = await idOf("sp");
      await restart("stop:saved");
      await crash(["stop", "sp"]);
      await restart(undefined);
      assert.equal(await inspect(d, "sp", "{{.State.Status}}"), "running");
      await d.ok(["stop", "-t", "1", "sp"]);
      assert.deepEqual(leftovers(id), []);
      await restart(undefined);
      // compat: always restarts at boot even after a user stop (moby restore).
      await d.ok(["rm", "-f", "sp"]);
      assert.deepEqual(leftovers(id), []);
    });

    for (const point of ["exit:recorded", "exit:released"])
      test(`exit: a crash at ${point} is recorded and released at the next boot`, async () => {
        await restart(point);
        await d.docker([
          "run",
          "-d",
          "--name",
          "ex",
          "busybox",
          "sh",
          "-c",
          "sleep 1",
        ]);
        await until("wharfd died at the exit", async () => !alive());
        await restart(undefined);
        const id = await idOf("ex");
        await until(
          "ex exited",
          async () =>
            (await inspect(d, "ex", "{{.State.Status}}")) === "exited",
        );
        assert.deepEqual(leftovers(id), []);
        await d.ok(["start", "ex"]);
        await d.ok(["rm", "-f", "ex"]);
        assert.deepEqual(leftovers(id), []);
      });

    test("remove: a crash between release and forget leaves a removable container", async () => {
      await d.ok(["run", "-d", "--name", "rm1", "busybox", "sleep", "100"]);
      const id = await idOf("rm1");
      await restart("remove:released");
      await crash(["rm", "-f", "rm1"]);
      await restart(undefined);
      assert.deepEqual(leftovers(id), []);
      await d.ok(["rm", "-f", "rm1"]);
      assert.equal((await d.docker(["inspect", "rm1"])).code, 1);
      assert.deepEqual(leftovers(id), []);
    });
  },
);
