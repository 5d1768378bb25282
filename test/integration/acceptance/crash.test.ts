import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "../../../src/util/exec.ts";
import { dockerBin, mountsUnder, skipReason, suiteDaemon } from "../harness.ts";

describe("kill -9 of wharfd loses nothing", { skip: skipReason() }, () => {
  const d = suiteDaemon();

  test("running containers survive, exits during the outage are seen with their real code and time", async () => {
    await d.ok([
      "run",
      "-d",
      "--name",
      "keeps",
      "busybox",
      "sh",
      "-c",
      "while true; do sleep 0.1; done",
    ]);
    await d.ok(["run", "-d", "-i", "--name", "talker", "busybox", "cat"]);
    await d.ok([
      "run",
      "-d",
      "--name",
      "ends",
      "busybox",
      "sh",
      "-c",
      "sleep 1.5; exit 23",
    ]);
    await d.halt("SIGKILL");
    await new Promise((ok) => setTimeout(ok, 2500));
    await d.start();
    assert.equal(
      (
        await d.ok(["inspect", "--format", "{{.State.Status}}", "keeps"])
      ).trim(),
      "running",
    );
    const ends = (
      await d.ok([
        "inspect",
        "--format",
        "{{.State.Status}} {{.State.ExitCode}} {{.State.FinishedAt}}",
        "ends",
      ])
    )
      .trim()
      .split(" ");
    assert.deepEqual(ends.slice(0, 2), ["exited", "23"]);
    const finished = Date.parse(ends[2]!);
    assert.ok(
      Date.now() - finished > 500,
      `FinishedAt ${ends[2]} should be the real exit time during the outage`,
    );
    // Still attachable after the restart: stdin reaches cat and its output comes back.
    const r = await execFile(
      "sh",
      [
        "-c",
        `(printf 'again\\n'; sleep 1) | timeout -s KILL 3 ${dockerBin} attach --sig-proxy=false talker; true`,
      ],
      { env: d.env },
    );
    assert.match(r.stdout, /again/);
    await d.ok(["stop", "-t", "1", "keeps"]);
    assert.equal(
      (
        await d.ok(["inspect", "--format", "{{.State.Status}}", "keeps"])
      ).trim(),
      "exited",
    );
  });

  test("a kill -9 in the middle of many creates leaves no half-made container, record or mount", async () => {
    const creates = Array.from({ length: 8 }, (_, i) =>
      d.docker(["run", "-d", "--name", `burst${i}`, "busybox", "sleep", "60"]),
    );
    await new Promise((ok) => setTimeout(ok, 150));
    await d.halt("SIGKILL");
    await Promise.allSettled(creates);
    await d.start();
    const rows = (
      await d.ok([
        "ps",
        "-a",
        "--filter",
        "name=burst",
        "--format",
        "{{.Names}} {{.State}}",
      ])
    )
      .trim()
      .split("\n")
      .filter(Boolean);
    for (const row of rows)
      assert.match(row, /^burst\d (running|created|exited)$/);
    // Only running containers keep their rootfs mounted (Docker unmounts on exit).
    const running = (await d.ok(["ps", "-q", "--no-trunc"]))
      .trim()
      .split("\n")
      .filter(Boolean);
    const mounted = mountsUnder(d.dir).filter((m) => m.includes("/overlay/"));
    assert.deepEqual(
      mounted.map((m) => m.split("/overlay/")[1]!.split("/")[0]).sort(),
      running.sort(),
    );
    const all = (await d.ok(["ps", "-aq"])).trim().split("\n").filter(Boolean);
    if (all.length) await d.ok(["rm", "-f", ...all]);
    assert.deepEqual(
      mountsUnder(d.dir),
      [],
      "no mounts remain after removing every container",
    );
  });
});
