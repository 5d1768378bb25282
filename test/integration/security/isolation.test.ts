/**
 * The isolation acceptance checks of issue #13 through the Docker CLI:
 * capabilities (ip link add), the default seccomp profile (unshare),
 * --read-only, the OOM killer (exit 137, OOMKilled, an oom event), --cpus,
 * on-failure:3, --sysctl and --memory-swap rules, --privileged's warning.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { skipReason, suiteDaemon } from "../harness.ts";

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

describe("isolation through the Docker CLI", { skip: skipReason() }, () => {
  const d = suiteDaemon();

  test("ip link add fails by default and works with --cap-add NET_ADMIN", async () => {
    const script = "ip link add v0 type veth peer name v1 && echo made";
    const denied = await d.docker([
      "run",
      "--rm",
      "busybox",
      "sh",
      "-c",
      script,
    ]);
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /Operation not permitted/);
    assert.equal(
      await d.ok([
        "run",
        "--rm",
        "--cap-add",
        "NET_ADMIN",
        "busybox",
        "sh",
        "-c",
        script,
      ]),
      "made\n",
    );
  });

  test("unshare is refused under the default profile and allowed with seccomp=unconfined", async () => {
    const denied = await d.docker([
      "run",
      "--rm",
      "busybox",
      "unshare",
      "-U",
      "true",
    ]);
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /Operation not permitted/);
    await d.ok([
      "run",
      "--rm",
      "--security-opt",
      "seccomp=unconfined",
      "busybox",
      "unshare",
      "-U",
      "true",
    ]);
  });

  test("--read-only refuses writes outside volumes and tmpfs", async () => {
    const out = await d.ok([
      "run",
      "--rm",
      "--read-only",
      "--tmpfs",
      "/scratch",
      "-v",
      "/data",
      "busybox",
      "sh",
      "-c",
      "touch /etc/x 2>&1; touch /scratch/x && echo tmpfs-ok; touch /data/x && echo volume-ok",
    ]);
    assert.match(out, /Read-only file system/);
    assert.match(out, /tmpfs-ok\nvolume-ok/);
  });

  test("--memory 64m and a 200 MB allocation: exit 137, OOMKilled, an oom event", async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    const r = await d.docker([
      "run",
      "--name",
      "oomer",
      "--memory",
      "64m",
      "busybox",
      "sh",
      "-c",
      "x=$(head -c 200000000 /dev/zero | tr '\\0' a); echo survived",
    ]);
    assert.equal(r.code, 137, r.stderr + r.stdout);
    assert.equal(
      (
        await d.ok([
          "inspect",
          "-f",
          "{{.State.OOMKilled}} {{.State.ExitCode}} {{.HostConfig.MemorySwap}}",
          "oomer",
        ])
      ).trim(),
      "true 137 134217728",
    );
    const events = await d.ok([
      "events",
      "--since",
      String(since),
      "--until",
      String(Math.ceil(Date.now() / 1000) + 1),
      "--filter",
      "container=oomer",
      "--format",
      "{{.Action}}",
    ]);
    assert.match(events, /^oom$/m);
    await d.ok(["rm", "oomer"]);
  });

  test("--cpus 0.2 keeps a busy loop near a fifth of a core (cgroup usage over 3 s, generous bounds)", async () => {
    const id = (
      await d.ok([
        "run",
        "-d",
        "--cpus",
        "0.2",
        "busybox",
        "sh",
        "-c",
        "while :; do :; done",
      ])
    ).trim();
    const usage = () =>
      Number(
        readFileSync(
          `/sys/fs/cgroup/cpuacct/wharf/${id}/cpuacct.usage`,
          "utf8",
        ),
      );
    await sleep(500);
    const [u0, t0] = [usage(), process.hrtime.bigint()];
    await sleep(3000);
    const share = (usage() - u0) / Number(process.hrtime.bigint() - t0);
    assert.ok(share > 0.05 && share < 0.45, `cpu share ${share.toFixed(3)}`);
    await d.ok(["rm", "-f", id]);
  });

  test("on-failure:3 restarts exactly three times", async () => {
    const id = (
      await d.ok([
        "run",
        "-d",
        "--restart",
        "on-failure:3",
        "busybox",
        "sh",
        "-c",
        "exit 3",
      ])
    ).trim();
    let state = "";
    for (let i = 0; i < 200 && state !== "exited 3"; i++) {
      await sleep(100);
      state = (
        await d.ok(["inspect", "-f", "{{.State.Status}} {{.RestartCount}}", id])
      ).trim();
    }
    assert.equal(state, "exited 3");
    await sleep(1500);
    assert.equal(
      (
        await d.ok(["inspect", "-f", "{{.State.Status}} {{.RestartCount}}", id])
      ).trim(),
      "exited 3",
    );
    const starts = await d.ok([
      "events",
      "--since",
      "0",
      "--until",
      String(Math.ceil(Date.now() / 1000) + 1),
      "--filter",
      `container=${id}`,
      "--filter",
      "event=start",
      "--format",
      "{{.Action}}",
    ]);
    assert.equal(starts.trim().split("\n").length, 4);
    await d.ok(["rm", id]);
  });

  test("--sysctl takes namespaced sysctls only, net.* not with --network host", async () => {
    assert.equal(
      await d.ok([
        "run",
        "--rm",
        "--sysctl",
        "net.ipv4.ip_forward=1",
        "busybox",
        "cat",
        "/proc/sys/net/ipv4/ip_forward",
      ]),
      "1\n",
    );
    const host = await d.docker([
      "run",
      "--rm",
      "--network",
      "host",
      "--sysctl",
      "net.ipv4.ip_forward=1",
      "busybox",
      "true",
    ]);
    assert.equal(host.code, 125);
    assert.match(
      host.stderr,
      /sysctl "net.ipv4.ip_forward" is not allowed in the hosts network namespace/,
    );
    // The Docker CLI refuses non-namespaced ones itself; the API gets the daemon's rule.
    const raw = await d.curl([
      "/v1.50/containers/create",
      "-X",
      "POST",
      "-H",
      "Content-Type: application/json",
      "-d",
      JSON.stringify({
        Image: "busybox",
        HostConfig: { Sysctls: { "kernel.pid_max": "1" } },
      }),
    ]);
    assert.match(
      raw.stdout,
      /sysctl \\"kernel.pid_max\\" is not in a separate kernel namespace/,
    );
    assert.equal((await d.ok(["ps", "-aq"])).trim(), "");
  });

  test("--memory-swap: unset is twice --memory, -1 unlimited, below --memory refused", async () => {
    const id = (await d.ok(["create", "--memory", "32m", "busybox"])).trim();
    assert.equal(
      (await d.ok(["inspect", "-f", "{{.HostConfig.MemorySwap}}", id])).trim(),
      String(64 * 1024 * 1024),
    );
    const unl = (
      await d.ok([
        "create",
        "--memory",
        "32m",
        "--memory-swap",
        "-1",
        "busybox",
      ])
    ).trim();
    assert.equal(
      (await d.ok(["inspect", "-f", "{{.HostConfig.MemorySwap}}", unl])).trim(),
      "-1",
    );
    const low = await d.docker([
      "create",
      "--memory",
      "32m",
      "--memory-swap",
      "16m",
      "busybox",
    ]);
    assert.notEqual(low.code, 0);
    assert.match(
      low.stderr,
      /Minimum memoryswap limit should be larger than memory limit/,
    );
    await d.ok(["rm", id, unl]);
  });

  test("--privileged names the capabilities the host's bounding set withholds", async () => {
    const bnd =
      /^CapBnd:\s*([0-9a-f]+)$/m.exec(
        readFileSync("/proc/self/status", "utf8"),
      )?.[1] ?? "";
    const r = await d.docker(["create", "--privileged", "busybox"]);
    assert.equal(r.code, 0, r.stderr);
    // 41 capabilities on kernel 6.x: a full set is 0x1ffffffffff.
    if (BigInt(`0x${bnd}`) < 0x1ffffffffffn)
      assert.match(
        r.stderr,
        /WARNING: Privileged: this host's capability bounding set lacks CAP_/,
      );
    else assert.doesNotMatch(r.stderr, /bounding set lacks/);
    await d.ok(["rm", r.stdout.trim()]);
  });
});
