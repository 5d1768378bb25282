import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { dockerBin, skipReason } from "../harness.ts";
import { buildFixture } from "./fixture.ts";

/** A context dir holding only this Dockerfile. */
function context(root: string, dockerfile: string): string {
  const dir = mkdtempSync(join(root, "ctx-"));
  writeFileSync(join(dir, "Dockerfile"), dockerfile);
  return dir;
}

/** Writes a tar of dir's Dockerfile to file. */
function tarOf(dir: string, file: string): void {
  const r = spawnSync("tar", ["-C", dir, "-cf", file, "Dockerfile"]);
  assert.equal(r.status, 0, String(r.stderr));
}

/** Pids of processes whose command line holds token. */
function processesWith(token: string): number[] {
  const out: number[] = [];
  for (const pid of readdirSync("/proc"))
    if (/^\d+$/.test(pid) && Number(pid) !== process.pid)
      try {
        if (readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(token))
          out.push(Number(pid));
      } catch {
        // gone meanwhile
      }
  return out;
}

async function until(what: string, ok: () => Promise<boolean> | boolean) {
  for (let i = 0; i < 300; i++) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out waiting for ${what}`);
}

/** A Dockerfile whose RUN blocks until killed; runMark(token) marks its process. */
function blocking(token: string): string {
  return `FROM busybox\nRUN echo started; sleep 3000; ${runMark(token)}\n`;
}

/** What only the blocking RUN's command line holds (never the test's own curl or CLI). */
function runMark(token: string): string {
  return `echo ${token}`;
}

describe(
  "build containers: rm/forcerm, cancel, disconnect, daemon kill, concurrent builds",
  { skip: skipReason() },
  () => {
    const { d, root } = buildFixture({
      prefix: "/tmp/wharf-buildctr-it-",
      classic: true,
      beforeStop: () => {
        for (const pid of processesWith(root))
          try {
            process.kill(pid, "SIGKILL");
          } catch {
            // gone meanwhile
          }
      },
    });
    const ps = async (): Promise<string[]> =>
      (await d.ok(["ps", "-aq", "--no-trunc"])).split("\n").filter(Boolean);

    test("rm=false keeps a successful step's container; a failed step's stays unless --force-rm, as dockerd 20.10", async () => {
      const ok = context(root, "FROM busybox\nRUN echo ok > /ok\n");
      const kept = await d.ok(["build", "--no-cache", "--rm=false", ok]);
      assert.doesNotMatch(kept, /Removing intermediate container/);
      const [id] = await ps();
      assert.ok(id && kept.includes(`Running in ${id.slice(0, 12)}`), kept);
      const removed = await d.ok(["build", "--no-cache", ok]);
      assert.match(removed, /Removing intermediate container/);
      assert.deepEqual(await ps(), [id]);
      const bad = context(root, "FROM busybox\nRUN exit 5\n");
      const failed = await d.docker(["build", bad]);
      assert.equal(failed.code, 5);
      const left = (await ps()).filter((c) => c !== id);
      assert.equal(left.length, 1, "the failed step's container stays");
      assert.doesNotMatch(failed.stdout, /Removing intermediate container/);
      // Kept containers are the user's now: a daemon restart leaves them.
      await d.halt();
      await d.start();
      assert.deepEqual((await ps()).sort(), [id, ...left].sort());
      await d.ok(["rm", id, ...left]);
      const forced = await d.docker(["build", "--force-rm", bad]);
      assert.equal(forced.code, 5);
      assert.match(forced.stdout, /Removing intermediate container/);
      assert.deepEqual(await ps(), []);
    });

    test("a RUN's stdout and stderr arrive in the order written, stderr in red as the legacy builder sends it", async () => {
      const dir = context(
        root,
        "FROM busybox\nRUN echo out1; sleep 0.3; echo err1 >&2; sleep 0.3; echo out2\n",
      );
      tarOf(dir, join(root, "order.tar"));
      const out = await d.curl([
        "/build?networkmode=none",
        "-X",
        "POST",
        "-H",
        "Content-Type: application/x-tar",
        "--data-binary",
        `@${join(root, "order.tar")}`,
      ]);
      const text = out.stdout
        .split("\n")
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { stream?: string }).stream ?? "")
        .join("");
      assert.match(text, /out1\n\u001b\[91merr1\n\u001b\[0mout2\n/);
    });

    test("a client that disconnects mid-RUN stops the RUN process and removes its container", async () => {
      const token = `wharf-dc-${randomBytes(4).toString("hex")}`;
      const cli = spawn(dockerBin, ["build", context(root, blocking(token))], {
        env: d.env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      cli.stdout.on("data", (c: Buffer) => (out += c.toString()));
      await until("the RUN to start", () => /^started$/m.test(out));
      assert.equal((await ps()).length, 1);
      assert.ok(
        processesWith(runMark(token)).length > 0,
        "the RUN process runs",
      );
      cli.kill("SIGKILL");
      await until("the container to go", async () => (await ps()).length === 0);
      await until(
        "the RUN process to end",
        () => !processesWith(runMark(token)).length,
      );
    });

    test("POST /build/cancel stops the build named by buildid and its RUN process", async () => {
      const token = `wharf-cancel-${randomBytes(4).toString("hex")}`;
      const dir = context(root, blocking(token));
      const tarFile = join(root, `${token}.tar`);
      tarOf(dir, tarFile);
      const build = d.curl([
        `/build?buildid=${token}&networkmode=none`,
        "-X",
        "POST",
        "-H",
        "Content-Type: application/x-tar",
        "--data-binary",
        `@${tarFile}`,
      ]);
      await until(
        "the RUN to start",
        () => processesWith(runMark(token)).length > 0,
      );
      const cancel = await d.curl([
        `/build/cancel?id=${token}`,
        "-X",
        "POST",
        "-w",
        "%{http_code}",
      ]);
      assert.equal(cancel.stdout, "200");
      const out = (await build).stdout;
      assert.match(out, /"error":"[^"]*"/);
      await until(
        `the container to go after\n${out}`,
        async () => (await ps()).length === 0,
      );
      assert.deepEqual(processesWith(runMark(token)), []);
      const unknown = await d.curl([
        "/build/cancel?id=nope",
        "-X",
        "POST",
        "-w",
        "\n%{http_code}",
      ]);
      assert.match(unknown.stdout, /\n400$/);
    });

    test("a daemon killed mid-build leaves no build container after the next start", async () => {
      const token = `wharf-kill-${randomBytes(4).toString("hex")}`;
      const cli = spawn(dockerBin, ["build", context(root, blocking(token))], {
        env: d.env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      cli.stdout.on("data", (c: Buffer) => (out += c.toString()));
      await until("the RUN to start", () => /^started$/m.test(out));
      await d.halt("SIGKILL");
      await d.start();
      assert.deepEqual(await ps(), []);
      await until(
        "the RUN process to end",
        () => !processesWith(runMark(token)).length,
      );
      cli.kill("SIGKILL");
    });

    test("two builds of one Dockerfile at once make each step once: the second reuses the first's images", async () => {
      const dir = context(
        root,
        "FROM busybox\nRUN sleep 1; date +%s%N > /made\nRUN cat /made\n",
      );
      const [a, b] = await Promise.all([
        d.ok(["build", "--network", "none", dir]),
        d.ok(["build", "--network", "none", dir]),
      ]);
      const ids = (s: string): string[] =>
        [...s.matchAll(/ ---> ([0-9a-f]{12})\n/g)].map((m) => m[1]!);
      assert.deepEqual(ids(a), ids(b), `${a}\n----\n${b}`);
      const hits = (s: string): number =>
        (s.match(/Using cache/g) ?? []).length;
      // Each RUN was made once: the other build says "Using cache" for it.
      assert.equal(hits(a) + hits(b), 2, `${a}\n----\n${b}`);
      assert.equal((a + b).match(/Running in/g)?.length, 2);
    });

    test("FROM scratch keeps hitting the cache across daemon restarts", async () => {
      const dir = context(root, "FROM scratch\nENV A=1\nLABEL b=2\n");
      mkdirSync(join(dir, "sub"));
      const first = await d.ok(["build", dir]);
      await d.halt();
      await d.start();
      const second = await d.ok(["build", dir]);
      assert.equal((second.match(/Using cache/g) ?? []).length, 2, second);
      assert.equal(
        first.match(/Successfully built (\w+)/)![1],
        second.match(/Successfully built (\w+)/)![1],
      );
    });
  },
);
