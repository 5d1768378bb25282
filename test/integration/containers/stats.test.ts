import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { skipReason, TestDaemon } from "../harness.ts";

describe(
  "docker stats through the real Docker CLI",
  { skip: skipReason() },
  () => {
    const d = new TestDaemon();
    const fmt = "{{.Name}}|{{.MemUsage}}|{{.PIDs}}|{{.CPUPerc}}";
    before(async () => {
      await d.start();
      await d.importBusybox();
      await d.ok(["run", "-d", "--name", "st-run", "busybox", "sleep", "300"]);
      await d.ok([
        "run",
        "-d",
        "--name",
        "st-lim",
        "-m",
        "64m",
        "busybox",
        "sleep",
        "300",
      ]);
      await d.ok(["create", "--name", "st-off", "busybox", "true"]);
    });
    after(() => d.stop());

    test("--no-stream shows a running container's memory usage and pids", async () => {
      const out = await d.ok([
        "stats",
        "--no-stream",
        "--format",
        fmt,
        "st-run",
      ]);
      const [name, mem, pids, cpu] = out.trim().split("|");
      assert.equal(name, "st-run");
      const [used, limit] = (mem ?? "").split(" / ");
      assert.notEqual(used, "0B", out);
      assert.notEqual(limit, "0B", out);
      assert.ok(Number(pids) >= 1, out);
      assert.match(cpu ?? "", /^\d+\.\d\d%$/);
    });

    test("a container run with -m 64m shows the 64MiB limit", async () => {
      const out = await d.ok([
        "stats",
        "--no-stream",
        "--format",
        fmt,
        "st-lim",
      ]);
      assert.match(out.trim(), /^st-lim\|\S+ \/ 64MiB\|\d+\|/);
    });

    test("--no-stream of a stopped container prints Docker's zero row", async () => {
      const out = await d.ok(["stats", "--no-stream", "st-off"]);
      const [header, row] = out.trim().split("\n");
      assert.match(
        header ?? "",
        /^CONTAINER ID\s+NAME\s+CPU %\s+MEM USAGE \/ LIMIT\s+MEM %\s+NET I\/O\s+BLOCK I\/O\s+PIDS$/,
      );
      assert.match(
        row ?? "",
        /^[0-9a-f]{12}\s+st-off\s+0\.00%\s+0B \/ 0B\s+0\.00%\s+0B \/ 0B\s+0B \/ 0B\s+0$/,
      );
    });

    test("the API stream yields objects with increasing read times", async () => {
      // curl ends the stream itself after 2.5 s (exit 28: timeout).
      const r = await d.curl([
        "/v1.41/containers/st-run/stats",
        "--max-time",
        "2.5",
      ]);
      const objects = r.stdout
        .split("\n")
        .filter(Boolean)
        .map(
          (l) =>
            JSON.parse(l) as {
              read: string;
              preread: string;
              id: string;
              name: string;
              cpu_stats: { system_cpu_usage?: number };
            },
        );
      assert.ok(objects.length >= 2, r.stdout);
      const [a, b] = objects;
      assert.ok(a && b);
      assert.ok(Date.parse(b.read) > Date.parse(a.read), `${a.read} ${b.read}`);
      assert.equal(b.preread, a.read);
      assert.equal(a.name, "/st-run");
      assert.ok((a.cpu_stats.system_cpu_usage ?? 0) > 0);
    });

    test("stream=false&one-shot=true answers one object without a pre-read", async () => {
      const r = await d.curl([
        "/v1.41/containers/st-run/stats?stream=false&one-shot=true",
      ]);
      const lines = r.stdout.split("\n").filter(Boolean);
      assert.equal(lines.length, 1, r.stdout);
      const s = JSON.parse(lines[0] ?? "{}") as {
        preread: string;
        memory_stats: { usage?: number };
      };
      assert.equal(s.preread, "0001-01-01T00:00:00Z");
      assert.ok((s.memory_stats.usage ?? 0) > 0);
    });

    test("stats of an unknown container answers 404 No such container", async () => {
      const r = await d.docker(["stats", "--no-stream", "st-nope"]);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /No such container: st-nope/);
    });
  },
);
