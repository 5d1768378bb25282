import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { skipReason, TestDaemon } from "../harness.ts";

/**
 * docker update on a running container (#12 point 11): the pids limit and
 * CPU quota reach its cgroup (and can be lifted again), a new restart
 * policy governs its next exits, and bad values are refused with dockerd's
 * codes and texts at create and update alike. Runs unchanged against
 * dockerd 20.10 (TARGET=docker).
 */
describe("docker update", { skip: skipReason() }, () => {
  const d = new TestDaemon();
  const dir = mkdtempSync("/tmp/wharf-update-");
  before(async () => {
    await d.start();
    await d.importBusybox();
  });
  after(async () => {
    await d.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = async (
    path: string,
    body: unknown,
  ): Promise<{ code: number; body: { message?: string } }> => {
    const r = await d.curl([
      path,
      "-X",
      "POST",
      "-H",
      "Content-Type: application/json",
      "--data-binary",
      JSON.stringify(body),
      "-w",
      "\n%{http_code}",
    ]);
    const lines = r.stdout.trimEnd().split("\n");
    const code = Number(lines.pop());
    return { code, body: JSON.parse(lines.join("\n") || "{}") as never };
  };
  /** A cgroup v1 file of the container's init process. */
  const cgroupFile = async (name: string, file: string): Promise<string> => {
    const pid = (await d.ok(["inspect", "-f", "{{.State.Pid}}", name])).trim();
    const [controller] = file.split(".");
    const line = readFileSync(`/proc/${pid}/cgroup`, "utf8")
      .split("\n")
      .find((l) => l.split(":")[1]!.split(",").includes(controller!));
    const hier = line!.split(":")[1]!;
    return readFileSync(
      `/sys/fs/cgroup/${hier}${line!.split(":")[2]}/${file}`,
      "utf8",
    ).trim();
  };
  const inspect = async (name: string, field: string): Promise<string> =>
    (await d.ok(["inspect", "-f", `{{json .${field}}}`, name])).trim();

  test("PidsLimit 0, -1 and -2 lift the limit (inspect 0); before API 1.40 the value is ignored", async () => {
    await d.ok([
      "run",
      "-d",
      "--name",
      "up-pids",
      "--pids-limit",
      "10",
      "busybox",
      "sleep",
      "300",
    ]);
    assert.equal(await cgroupFile("up-pids", "pids.max"), "10");
    for (const v of [0, -1, -2]) {
      assert.equal(
        (await post("/v1.41/containers/up-pids/update", { PidsLimit: 7 })).code,
        200,
      );
      assert.equal(await cgroupFile("up-pids", "pids.max"), "7");
      const r = await post("/v1.41/containers/up-pids/update", {
        PidsLimit: v,
      });
      assert.equal(r.code, 200, JSON.stringify(r.body));
      assert.equal(
        await inspect("up-pids", "HostConfig.PidsLimit"),
        "0",
        `${v}`,
      );
      // dockerd writes "max"; crun 1.8.1 refuses that, so wharf writes the
      // kernel's PID_MAX_LIMIT, which no pid number can reach.
      const max = await cgroupFile("up-pids", "pids.max");
      assert.ok(max === "max" || Number(max) >= 4_194_304, `${v}: ${max}`);
    }
    await d.ok(["update", "--pids-limit", "5", "up-pids"]);
    assert.equal(
      (await post("/v1.39/containers/up-pids/update", { PidsLimit: 3 })).code,
      200,
    );
    assert.equal(await inspect("up-pids", "HostConfig.PidsLimit"), "5");
    assert.equal(await cgroupFile("up-pids", "pids.max"), "5");
    await d.ok(["rm", "-f", "up-pids"]);
  });

  test("CPU quota and period changes reach the running container's cgroup, and -1 lifts the quota", async () => {
    await d.ok(["run", "-d", "--name", "up-cpu", "busybox", "sleep", "300"]);
    await d.ok(["update", "--cpu-quota", "50000", "up-cpu"]);
    assert.equal(await cgroupFile("up-cpu", "cpu.cfs_quota_us"), "50000");
    await d.ok(["update", "--cpu-period", "20000", "up-cpu"]);
    assert.equal(await cgroupFile("up-cpu", "cpu.cfs_period_us"), "20000");
    assert.equal(await cgroupFile("up-cpu", "cpu.cfs_quota_us"), "50000");
    await d.ok(["update", "--cpu-quota", "-1", "up-cpu"]);
    assert.equal(await cgroupFile("up-cpu", "cpu.cfs_quota_us"), "-1");
    assert.equal(await inspect("up-cpu", "HostConfig.CpuQuota"), "-1");
    await d.ok(["rm", "-f", "up-cpu"]);
    // -1 at create is "no quota" too, not a start failure.
    await d.ok(["run", "--rm", "--cpu-quota", "-1", "busybox", "true"]);
  });

  test("a restart policy set on a running container governs its exits: on-failure:5 restarts five times", async () => {
    const flag = join(dir, "go");
    await d.ok([
      "run",
      "-d",
      "--name",
      "up-restart",
      "-v",
      `${dir}:/v`,
      "busybox",
      "sh",
      "-c",
      "while [ ! -f /v/go ]; do sleep 0.1; done; exit 1",
    ]);
    await d.ok(["update", "--restart", "on-failure:5", "up-restart"]);
    writeFileSync(flag, "");
    // Docker's backoff (0.1 s doubling) makes five restarts take about 3 s.
    let state = "";
    for (let i = 0; i < 300; i++) {
      state = await inspect("up-restart", "State.Status");
      if (state === '"exited"') break;
      await new Promise((ok) => setTimeout(ok, 100));
    }
    assert.equal(state, '"exited"');
    assert.equal(await inspect("up-restart", "RestartCount"), "5");
    assert.equal(await inspect("up-restart", "State.ExitCode"), "1");
    await d.ok(["rm", "-f", "up-restart"]);
  });

  test("conflicting updates are 409 with dockerd's text; bad values 400, at update and at create", async () => {
    const id = (
      await d.ok([
        "run",
        "-d",
        "--rm",
        "--name",
        "up-409",
        "--cpus",
        "0.5",
        "busybox",
        "sleep",
        "300",
      ])
    ).trim();
    const conflicts: [unknown, string][] = [
      [
        { CpuQuota: 50000 },
        "Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set",
      ],
      [
        { CpuPeriod: 50000 },
        "Conflicting options: CPU Period cannot be updated as NanoCPUs has already been set",
      ],
      [
        { Memory: 10_000_000 },
        "Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time",
      ],
      [
        { RestartPolicy: { Name: "always" } },
        "Restart policy cannot be updated because AutoRemove is enabled for the container",
      ],
    ];
    for (const [body, text] of conflicts) {
      const r = await post("/v1.41/containers/up-409/update", body);
      assert.deepEqual(
        [r.code, r.body.message],
        [409, `Cannot update container ${id}: ${text}`],
      );
    }
    const invalid: [unknown, RegExp][] = [
      [
        { NanoCpus: 5e8, CpuQuota: 50000 },
        /^Conflicting options: Nano CPUs and CPU Quota cannot both be set$/,
      ],
      [
        { NanoCpus: 5e8, CpuPeriod: 50000 },
        /^Conflicting options: Nano CPUs and CPU Period cannot both be set$/,
      ],
      [
        { NanoCpus: 1e15 },
        /^[Rr]ange of CPUs is from 0\.01 to \d+\.00, as there are only \d+ CPUs available$/,
      ],
      [
        { CpuPeriod: 500 },
        /^CPU cfs period can not be less than 1ms \(i\.e\. 1000\) or larger than 1s \(i\.e\. 1000000\)$/,
      ],
      [
        { CpuQuota: 500 },
        /^CPU cfs quota can not be less than 1ms \(i\.e\. 1000\)$/,
      ],
      [
        { CpusetCpus: "4096" },
        /^Requested CPUs are not available - requested 4096, available: /,
      ],
      [
        { CpusetMems: "4096" },
        /^Requested memory nodes are not available - requested 4096, available: /,
      ],
      [
        { CpusetCpus: "x" },
        /^Invalid value x for cpuset cpus: invalid format: x$/,
      ],
    ];
    const before = (await d.ok(["ps", "-aq"])).trim();
    for (const [hc, text] of invalid) {
      const u = await post("/v1.41/containers/up-409/update", hc);
      assert.equal(u.code, 400, JSON.stringify(hc));
      assert.match(u.body.message!, text);
      const c = await post("/v1.41/containers/create", {
        Image: "busybox",
        HostConfig: hc,
      });
      assert.equal(c.code, 400, JSON.stringify(hc));
      assert.match(c.body.message!, text);
    }
    assert.equal((await d.ok(["ps", "-aq"])).trim(), before);
    await d.ok(["rm", "-f", "up-409"]);
  });
});
