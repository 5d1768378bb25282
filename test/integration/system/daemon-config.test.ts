/**
 * daemon.json keys applied (issue #13): labels, runtimes and default-runtime,
 * default-shm-size, default-ulimits (clamped), no-new-privileges,
 * max-concurrent-*, SIGHUP reloading labels; --runtime runc running under
 * runc; refused values with their reasons.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { skipReason, TestDaemon, wharfOnly } from "../harness.ts";

const wharfd = resolve(import.meta.dirname, "../../../dist/wharfd.cjs");

/** Command lines of live processes that contain every needle. */
function processesWith(...needles: string[]): string[] {
  const out: string[] = [];
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p)))
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8")
        .split("\0")
        .join(" ");
      if (needles.every((n) => cmd.includes(n))) out.push(cmd);
    } catch {
      // gone meanwhile
    }
  return out;
}

describe(
  "daemon.json keys and SIGHUP",
  { skip: skipReason() ?? wharfOnly("wharfd's configuration") },
  () => {
    const d = new TestDaemon();
    const config = (labels: string[]) =>
      JSON.stringify({
        labels,
        runtimes: {
          "runc-json": {
            path: "/usr/sbin/runc",
            runtimeArgs: ["--log-format", "json"],
          },
        },
        "default-shm-size": "128M",
        "default-ulimits": {
          nofile: { Name: "nofile", Hard: 1_000_000_000, Soft: 1024 },
        },
        "no-new-privileges": true,
        "live-restore": true,
        "max-concurrent-downloads": 7,
      });
    before(async () => {
      writeFileSync(join(d.dir, "daemon.json"), config(["site=a"]));
      await d.start();
      await d.importBusybox();
    });
    after(() => d.stop());

    test("/info shows labels, the registered runtimes and no-new-privileges", async () => {
      const info = JSON.parse(
        await d.ok(["info", "--format", "{{json .}}"]),
      ) as {
        Labels: string[];
        Runtimes: Record<string, { path: string; runtimeArgs?: string[] }>;
        DefaultRuntime: string;
        SecurityOptions: string[];
      };
      assert.deepEqual(info.Labels, ["site=a"]);
      assert.deepEqual(Object.keys(info.Runtimes).sort(), [
        "crun",
        "runc",
        "runc-json",
      ]);
      assert.deepEqual(info.Runtimes["runc-json"], {
        path: "/usr/sbin/runc",
        runtimeArgs: ["--log-format", "json"],
      });
      assert.equal(info.DefaultRuntime, "crun");
      assert.ok(
        info.SecurityOptions.includes("name=no-new-privileges"),
        info.SecurityOptions.join(),
      );
      assert.match(d.log(), /default-ulimits: nofile lowered/);
    });

    test("containers get the default shm size, ulimits and no-new-privileges", async () => {
      const out = await d.ok([
        "run",
        "--rm",
        "busybox",
        "sh",
        "-c",
        "grep NoNewPrivs /proc/self/status; ulimit -Sn; df -k /dev/shm | tail -1",
      ]);
      assert.match(out, /NoNewPrivs:\s+1/);
      assert.match(out, /\n1024\n/);
      assert.match(out, /131072/);
    });

    test("--runtime runc runs under runc, and inspect says so", async () => {
      const id = (
        await d.ok(["run", "-d", "--runtime", "runc", "busybox", "sleep", "60"])
      ).trim();
      assert.equal(
        (await d.ok(["inspect", "-f", "{{.HostConfig.Runtime}}", id])).trim(),
        "runc",
      );
      // conmon drives runc for it: its command line names the binary and the container.
      assert.equal(processesWith("conmon", id, "-r /usr/sbin/runc").length, 1);
      const state = spawnSync(
        "/usr/sbin/runc",
        ["--root", join(d.dir, "run/runtime/runc"), "state", id],
        { encoding: "utf8" },
      );
      assert.equal(
        (JSON.parse(state.stdout) as { status: string }).status,
        "running",
      );
      await d.ok(["rm", "-f", id]);
      const custom = await d.ok([
        "run",
        "--rm",
        "--runtime",
        "runc-json",
        "busybox",
        "echo",
        "via runc-json",
      ]);
      assert.equal(custom, "via runc-json\n");
    });

    test("an unknown runtime gets Docker's error and nothing is created", async () => {
      const r = await d.docker(["run", "--runtime", "nope", "busybox", "true"]);
      assert.equal(r.code, 125);
      assert.match(r.stderr, /Unknown runtime specified nope/);
      assert.equal((await d.ok(["ps", "-aq"])).trim(), "");
    });

    test("SIGHUP reloads labels: /info shows them without a restart", async () => {
      writeFileSync(join(d.dir, "daemon.json"), config(["site=b", "tier=2"]));
      process.kill(d.pid ?? 0, "SIGHUP");
      let labels: unknown;
      for (let i = 0; i < 100; i++) {
        labels = JSON.parse(
          await d.ok(["info", "--format", "{{json .Labels}}"]),
        );
        if (JSON.stringify(labels) !== '["site=a"]') break;
        await new Promise((ok) => setTimeout(ok, 50));
      }
      assert.deepEqual(labels, ["site=b", "tier=2"]);
      assert.match(
        d.log(),
        /reloaded configuration: labels: \[\\"site=a\\"\] -> \[\\"site=b\\",\\"tier=2\\"\]/,
      );
    });

    test("refused keys say why, and wharfd does not start", () => {
      const file = join(d.dir, "bad.json");
      for (const [json, re] of [
        ['{"live-restore": false}', /false is not supported/],
        [
          '{"runtimes": {"runc": {"path": "/bin/true"}}}',
          /runtime name 'runc' is reserved/,
        ],
        [
          '{"default-runtime": "nope"}',
          /specified default runtime 'nope' does not exist/,
        ],
        ['{"labels": ["novalue"]}', /bad attribute format: novalue/],
        [
          '{"max-concurrent-downloads": "3"}',
          /max-concurrent-downloads.*positive integer/,
        ],
        ['{"log-driver": "bogus"}', /no log driver named 'bogus'/],
      ] as const) {
        writeFileSync(file, json);
        const r = spawnSync(
          process.execPath,
          [wharfd, "--validate", "--config-file", file],
          { encoding: "utf8" },
        );
        assert.equal(r.status, 1, json);
        assert.match(r.stderr, re);
      }
    });
  },
);
