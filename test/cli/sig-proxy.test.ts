/**
 * --sig-proxy: a signal sent to the CLI reaches the container (run, attach),
 * through bin/wharf, or the Docker CLI with TARGET=docker.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { dockerBin, skipReason, TestDaemon } from "../integration/harness.ts";

const repo = resolve(import.meta.dirname, "../..");
const bin =
  process.env.TARGET === "docker" ? dockerBin : join(repo, "bin/wharf");

/** Spawns the CLI, resolves once `marker` shows on stdout. */
function spawnUntil(
  env: NodeJS.ProcessEnv,
  args: string[],
  marker: string,
): Promise<{
  child: ReturnType<typeof spawn>;
  exit: Promise<{ code: number | null; out: string }>;
}> {
  const child = spawn(bin, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const exit = new Promise<{ code: number | null; out: string }>((ok) =>
    child.on("close", (code) => ok({ code, out })),
  );
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail(new Error(`no "${marker}" within 20 s: ${out}`));
    }, 20_000);
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString();
      if (out.includes(marker)) {
        clearTimeout(timer);
        ok({ child, exit });
      }
    });
    child.stderr.on("data", (b: Buffer) => (out += b.toString()));
  });
}

const TRAP = `trap 'echo got-term; exit 5' TERM; while true; do echo ready; sleep 0.2; done`;

describe(
  "--sig-proxy forwards the CLI's signals",
  { skip: skipReason() },
  () => {
    const d = new TestDaemon();
    before(async () => {
      await d.start();
      await d.importBusybox();
    });
    after(() => d.stop());

    test("SIGTERM to a foreground run reaches the container, whose exit code the CLI returns", async () => {
      const { child, exit } = await spawnUntil(
        d.env,
        ["run", "--rm", "--network", "none", "busybox", "sh", "-c", TRAP],
        "ready",
      );
      child.kill("SIGTERM");
      const r = await exit;
      assert.equal(r.code, 5, r.out);
      assert.match(r.out, /got-term/);
    });

    test("SIGTERM to attach reaches the container; --sig-proxy=false leaves it running", async () => {
      await d.ok([
        "run",
        "-d",
        "--name",
        "sp1",
        "--network",
        "none",
        "busybox",
        "sh",
        "-c",
        TRAP,
      ]);
      const quiet = await spawnUntil(
        d.env,
        ["attach", "--sig-proxy=false", "sp1"],
        "",
      );
      await new Promise((ok) => setTimeout(ok, 500));
      quiet.child.kill("SIGTERM");
      await quiet.exit;
      assert.equal(
        (
          await d.ok(["inspect", "--format", "{{.State.Running}}", "sp1"])
        ).trim(),
        "true",
      );
      const { child, exit } = await spawnUntil(d.env, ["attach", "sp1"], "");
      await new Promise((ok) => setTimeout(ok, 500));
      child.kill("SIGTERM");
      assert.equal((await exit).code, 5);
      await d.ok(["rm", "-f", "sp1"]);
    });
  },
);
