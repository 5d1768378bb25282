/**
 * registry-mirrors with "registry-hub-fallback": false (wharf's switch for
 * air-gapped sites): `docker pull busybox` is served by a loopback
 * docker-registry; with the mirror down the error names the mirror and the
 * switch; login and push to Docker Hub are refused. wharfd runs under
 * strace (network syscalls only): every connect() goes to loopback and none
 * to port 53, so Docker Hub's name was never looked up.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { busyboxTar, skipReason, TestDaemon, wharfOnly } from "../harness.ts";
import { makeImage, registrySkip, TestRegistry, upload } from "./registry.ts";

const skip =
  skipReason() ??
  registrySkip() ??
  wharfOnly("registry-hub-fallback is a wharf extension") ??
  (spawnSync("strace", ["-V"]).status === 0
    ? undefined
    : "needs strace (apt-get install strace)");

/** The non-loopback or DNS destinations of connect() calls in an strace log. */
export function outsideLoopback(trace: string): string[] {
  const out: string[] = [];
  for (const line of trace.split("\n")) {
    if (!/\bconnect\(/.test(line) || line.includes("AF_UNIX")) continue;
    const v4 = /sin_port=htons\((\d+)\), sin_addr=inet_addr\("([^"]+)"\)/.exec(
      line,
    );
    const v6 = /sin6_port=htons\((\d+)\).*inet_pton\(AF_INET6, "([^"]+)"/.exec(
      line,
    );
    const m = v4 ?? v6;
    if (!m) {
      out.push(line);
      continue;
    }
    const [, port, addr] = m;
    const loop = addr!.startsWith("127.") || addr === "::1";
    if (!loop || port === "53") out.push(`${addr!}:${port!}`);
  }
  return out;
}

test(
  "registry-mirrors serve docker.io pulls; with the hub fallback off a down mirror is named and nothing leaves loopback",
  { skip },
  async () => {
    const mirror = new TestRegistry();
    const trace = `/tmp/wharf-mirror-trace-${process.pid}.log`;
    const d = new TestDaemon({
      wrap: [
        "strace",
        "-f",
        "-qq",
        "--seccomp-bpf",
        "-e",
        "trace=connect",
        "-o",
        trace,
      ],
    });
    try {
      await mirror.start();
      const img = makeImage([readFileSync(busyboxTar())]);
      await upload(mirror.host, "library/busybox", "latest", img);
      writeFileSync(
        join(d.dir, "daemon.json"),
        JSON.stringify({
          "registry-mirrors": [`http://${mirror.host}`],
          "registry-hub-fallback": false,
        }),
      );
      await d.start();
      const info = JSON.parse(
        await d.ok(["info", "--format", "{{json .RegistryConfig.Mirrors}}"]),
      ) as string[];
      assert.deepEqual(info, [`http://${mirror.host}/`]);

      const out = await d.ok(["pull", "busybox"]);
      assert.match(out, /Status: Downloaded newer image for busybox:latest/);
      assert.equal(
        (await d.ok(["image", "inspect", "-f", "{{.Id}}", "busybox"])).trim(),
        img.id,
      );
      assert.match(
        mirror.log(),
        /GET \/v2\/library\/busybox\/manifests\/latest/,
      );
      assert.equal(
        await d.ok([
          "run",
          "--rm",
          "--network",
          "none",
          "busybox",
          "echo",
          "hi",
        ]),
        "hi\n",
      );

      await mirror.halt();
      const down = await d.docker(["pull", "busybox:1.36"]);
      assert.notEqual(down.code, 0);
      assert.match(
        down.stderr,
        new RegExp(
          `registry-hub-fallback.*no mirror answered: mirror http://${mirror.host.replace(/\./g, "\\.")}: .*connection refused`,
        ),
      );
      const login = await d.docker(["login", "-u", "x", "--password-stdin"], {
        input: "y\n",
      });
      assert.notEqual(login.code, 0);
      assert.match(
        login.stderr,
        /registry-hub-fallback.*no login to Docker Hub/,
      );
      const push = await d.docker(["push", "busybox"]);
      assert.notEqual(push.code, 0);
      assert.match(push.stderr, /registry-hub-fallback.*no push to Docker Hub/);
      const run = await d.docker(["run", "--rm", "alpine:3", "true"]);
      assert.match(run.stderr, /registry-hub-fallback/);

      // SIGTERM to wharfd itself (strace would only detach); strace ends with it.
      const traced = readFileSync(
        `/proc/${d.pid!}/task/${d.pid!}/children`,
        "utf8",
      ).trim();
      process.kill(Number(traced.split(" ")[0]), "SIGTERM");
      await d.halt();
      const log = readFileSync(trace, "utf8");
      assert.match(log, /connect\(/, "strace saw the daemon's connects");
      assert.deepEqual(outsideLoopback(log), []);
    } finally {
      await d.stop();
      await mirror.stop();
      spawnSync("rm", ["-f", trace]);
    }
  },
);
