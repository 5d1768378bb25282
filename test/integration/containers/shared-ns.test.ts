/**
 * `--pid container:<ref>` and `--ipc container:<ref>` through the Docker
 * CLI: the joiner sees the donor's processes and its /dev/shm, the donor
 * must be running and (for IPC) shareable, and a shareable container's
 * host-side /dev/shm is gone once it stops.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { skipReason, TestDaemon } from "../harness.ts";

describe(
  "--pid and --ipc container:<ref> through the Docker CLI",
  { skip: skipReason() },
  () => {
    const d = new TestDaemon();
    before(async () => {
      await d.start();
      await d.importBusybox();
      await d.ok(
        ["run", "-d", "--name", "donor", "--network", "none"].concat([
          "--ipc",
          "shareable",
          "busybox",
          "sleep",
          "300",
        ]),
      );
      await d.ok(
        ["run", "-d", "--name", "private", "--network", "none"].concat([
          "busybox",
          "sleep",
          "300",
        ]),
      );
      await d.ok(["create", "--name", "idle", "busybox", "true"]);
    });
    after(() => d.stop());

    const run = (...args: string[]) =>
      d.docker(["run", "--rm", "--network", "none", ...args]);

    test("--pid container: sees the donor's processes", async () => {
      const r = await run(
        "--pid",
        "container:donor",
        "busybox",
        "ps",
        "-o",
        "pid,args",
      );
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^\s*1\s+sleep 300$/m);
    });

    test("--ipc container: shares the donor's IPC namespace and /dev/shm", async () => {
      await d.ok(["exec", "donor", "sh", "-c", "echo shared > /dev/shm/note"]);
      const donorNs = (
        await d.ok(["exec", "donor", "readlink", "/proc/self/ns/ipc"])
      ).trim();
      const r = await run(
        "--ipc",
        "container:donor",
        "busybox",
        "sh",
        "-c",
        "cat /dev/shm/note; readlink /proc/self/ns/ipc",
      );
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `shared\n${donorNs}\n`);
      // Without sharing, the namespace differs.
      const own = await run("busybox", "readlink", "/proc/self/ns/ipc");
      assert.notEqual(own.stdout.trim(), donorNs);
    });

    test("a donor that is missing, stopped or not shareable is refused with Docker's words", async () => {
      const missing = await run("--pid", "container:nope", "busybox", "true");
      assert.notEqual(missing.code, 0);
      assert.match(missing.stderr, /No such container: nope/);
      const stopped = await run("--pid", "container:idle", "busybox", "true");
      assert.notEqual(stopped.code, 0);
      assert.match(stopped.stderr, /container [0-9a-f]{64} is not running/);
      const priv = await run("--ipc", "container:private", "busybox", "true");
      assert.notEqual(priv.code, 0);
      assert.match(
        priv.stderr,
        /can't join IPC of container [0-9a-f]{64}: non-shareable IPC/,
      );
      // Nothing is left of the refused containers.
      const left = await d.ok(["ps", "-aq", "--filter", "status=created"]);
      assert.equal(left.trim().split("\n").filter(Boolean).length, 1);
    });

    test("a shareable container's /dev/shm is unmounted from the host when it stops", async () => {
      const id = (await d.ok(["inspect", "-f", "{{.Id}}", "donor"])).trim();
      const mounted = () =>
        readFileSync("/proc/self/mountinfo", "utf8").includes(`${id}/shm`);
      if (process.env.TARGET !== "docker") assert.ok(mounted());
      await d.ok(["stop", "-t", "1", "donor"]);
      assert.ok(!mounted(), "the donor's shm is still mounted on the host");
    });
  },
);
