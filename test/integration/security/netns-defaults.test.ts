import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { skipReason, suiteDaemon } from "../harness.ts";

/**
 * What dockerd sets up in a container without being asked (#12 point 10):
 * the namespaced sysctls that let an unprivileged user ping and bind low
 * ports in the container's own network namespace, and HostConfig's
 * MaskedPaths/ReadonlyPaths replacing the defaults. Runs unchanged against
 * dockerd 20.10 (TARGET=docker).
 */
describe(
  "network namespace defaults and system paths",
  { skip: skipReason() },
  () => {
    const d = suiteDaemon();

    /** Binds port 80 as nobody for one second: 143 when bound (timeout's TERM), 1 when refused. */
    const BIND_80 = "timeout 1 nc -l -p 80; echo rc=$?";
    const SYSCTLS =
      "cat /proc/sys/net/ipv4/ping_group_range /proc/sys/net/ipv4/ip_unprivileged_port_start";

    test("a container's own network namespace lets any group ping and any user bind port 80", async () => {
      const values = await d.ok([
        "run",
        "--rm",
        "--network",
        "none",
        "busybox",
        "sh",
        "-c",
        SYSCTLS,
      ]);
      assert.deepEqual(values.trim().split(/\s+/), ["0", "2147483647", "0"]);
      const bind = await d.docker([
        "run",
        "--rm",
        "--network",
        "none",
        "--user",
        "65534",
        "busybox",
        "sh",
        "-c",
        BIND_80,
      ]);
      assert.match(bind.stdout, /rc=143/, bind.stdout + bind.stderr);
      assert.doesNotMatch(bind.stderr, /Permission denied/);
    });

    test("--sysctl overrides a default; inspect shows only what was asked", async () => {
      const out = await d.ok([
        "run",
        "--name",
        "nd-custom",
        "--network",
        "none",
        "--sysctl",
        "net.ipv4.ip_unprivileged_port_start=1024",
        "busybox",
        "sh",
        "-c",
        SYSCTLS,
      ]);
      assert.deepEqual(out.trim().split(/\s+/), ["0", "2147483647", "1024"]);
      const [info] = JSON.parse(await d.ok(["inspect", "nd-custom"])) as {
        HostConfig: { Sysctls: Record<string, string> };
      }[];
      assert.deepEqual(info!.HostConfig.Sysctls, {
        "net.ipv4.ip_unprivileged_port_start": "1024",
      });
      const plain = JSON.parse(
        await d.ok(["inspect", (await d.ok(["create", "busybox"])).trim()]),
      ) as { HostConfig: { Sysctls?: unknown } }[];
      assert.equal(plain[0]!.HostConfig.Sysctls ?? null, null);
    });

    test("the host's network namespace keeps the host's values: port 80 stays privileged", async () => {
      const bind = await d.docker([
        "run",
        "--rm",
        "--network",
        "host",
        "--user",
        "65534",
        "busybox",
        "sh",
        "-c",
        BIND_80,
      ]);
      assert.match(bind.stdout, /rc=1\b/, bind.stdout);
      assert.match(bind.stderr, /Permission denied/);
    });

    test("a container joining another's network namespace sees the donor's values", async () => {
      await d.ok([
        "run",
        "-d",
        "--name",
        "nd-donor",
        "--network",
        "none",
        "busybox",
        "sleep",
        "60",
      ]);
      const out = await d.ok([
        "run",
        "--rm",
        "--network",
        "container:nd-donor",
        "busybox",
        "sh",
        "-c",
        SYSCTLS,
      ]);
      assert.deepEqual(out.trim().split(/\s+/), ["0", "2147483647", "0"]);
      await d.ok(["rm", "-f", "nd-donor"]);
    });

    test("HostConfig MaskedPaths and ReadonlyPaths replace the default lists", async () => {
      const create = await d.curl([
        "/v1.41/containers/create?name=nd-paths",
        "-X",
        "POST",
        "-H",
        "Content-Type: application/json",
        "--data-binary",
        JSON.stringify({
          Image: "busybox",
          Cmd: [
            "sh",
            "-c",
            "wc -c < /proc/cpuinfo; touch /tmp/x || echo tmp-readonly; echo x > /proc/sys/kernel/domainname && echo proc-sys-writable",
          ],
          HostConfig: {
            MaskedPaths: ["/proc/cpuinfo"],
            ReadonlyPaths: ["/tmp"],
          },
        }),
      ]);
      assert.match(create.stdout, /"Id"/, create.stdout);
      const out = await d.docker(["start", "-a", "nd-paths"]);
      assert.deepEqual(out.stdout.trim().split("\n"), [
        "0",
        "tmp-readonly",
        "proc-sys-writable",
      ]);
      const [info] = JSON.parse(await d.ok(["inspect", "nd-paths"])) as {
        HostConfig: { MaskedPaths: string[]; ReadonlyPaths: string[] };
      }[];
      assert.deepEqual(info!.HostConfig.MaskedPaths, ["/proc/cpuinfo"]);
      assert.deepEqual(info!.HostConfig.ReadonlyPaths, ["/tmp"]);
    });
  },
);
