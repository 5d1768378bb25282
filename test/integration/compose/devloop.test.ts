/**
 * `compose watch` (develop.watch: a sync seen inside the container, a
 * deletion, and a rebuild that recreates the service) and `compose push`
 * through the engine to a loopback docker-registry.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { basename } from "node:path";
import { registrySkip, TestRegistry } from "../registry/registry.ts";
import { skipReason, TestDaemon } from "../harness.ts";
import { Project, until, wharfCli } from "./project.ts";

const APP = `services:
  web:
    build: ./app
    command: ["sleep", "3600"]
    stop_grace_period: 1s
    develop:
      watch:
        - path: ./app/src
          action: sync
          target: /srv
          ignore: ["*.tmp"]
        - path: ./app/Dockerfile
          action: rebuild
`;

describe("compose watch", { skip: skipReason() }, () => {
  const d = new TestDaemon();
  let p: Project;
  let watcher: ChildProcess | undefined;
  let log = "";
  before(async () => {
    await d.start();
    await d.importBusybox();
    p = new Project(d, {
      "compose.yaml": APP,
      "app/Dockerfile": "FROM busybox\nRUN echo v1 > /version\n",
      "app/src/index.html": "first\n",
    });
  });
  after(async () => {
    if (watcher?.pid && watcher.exitCode === null) {
      process.kill(watcher.pid, "SIGTERM");
      await new Promise((ok) => watcher?.once("exit", ok));
    }
    await p?.compose(["down", "-v", "--rmi", "local", "-t", "1"]);
    p?.remove();
    await d.stop();
  });

  const cat = async (path: string): Promise<string | undefined> => {
    const r = await p.compose(["exec", "-T", "web", "cat", path]);
    return r.code === 0 ? r.stdout : undefined;
  };

  test("up, then a file edit is synced into the container, an ignored one is not, a deletion is", async () => {
    watcher = spawn(process.execPath, [wharfCli, "compose", "watch"], {
      cwd: p.dir,
      env: { ...process.env, ...d.env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    watcher.stderr?.on("data", (b: Buffer) => (log += b.toString()));
    await until(
      async () => (log.includes("Watch enabled") ? true : undefined),
      `watch to start: ${log}`,
      300,
    );
    p.write({ "app/src/index.html": "second\n", "app/src/new/x.txt": "x\n" });
    assert.equal(
      await until(
        async () =>
          (await cat("/srv/index.html")) === "second\n"
            ? "second\n"
            : undefined,
        `the sync: ${log}`,
      ),
      "second\n",
    );
    assert.equal(
      await until(() => cat("/srv/new/x.txt"), "a new directory"),
      "x\n",
    );
    assert.match(log, /Syncing service "web" after \d+ changes were detected/);
    p.write({ "app/src/skip.tmp": "no\n" });
    const { rmSync } = await import("node:fs");
    rmSync(`${p.dir}/app/src/new/x.txt`);
    await until(
      async () =>
        (await cat("/srv/new/x.txt")) === undefined ? true : undefined,
      "the deletion",
    );
    assert.equal(await cat("/srv/skip.tmp"), undefined, "ignored by pattern");
  });

  test("a change under a rebuild path builds the image and recreates the service", async () => {
    const name = `${basename(p.dir).toLowerCase()}-web-1`;
    const before = (await d.ok(["inspect", "-f", "{{.Id}}", name])).trim();
    const oldImage = (await d.ok(["inspect", "-f", "{{.Image}}", name])).trim();
    assert.equal(await cat("/version"), "v1\n");
    p.write({ "app/Dockerfile": "FROM busybox\nRUN echo v2 > /version\n" });
    await until(
      async () => ((await cat("/version")) === "v2\n" ? true : undefined),
      `the rebuild: ${log}`,
      300,
    );
    const now = (await d.ok(["inspect", "-f", "{{.Id}}", name])).trim();
    assert.notEqual(now, before, "recreated");
    assert.match(log, /Rebuilding service\(s\) \["web"\]/);
    // --prune (the default): the replaced image goes once nothing uses it.
    await until(
      async () =>
        (await d.docker(["image", "inspect", oldImage])).code !== 0
          ? true
          : undefined,
      `the old image pruned: ${log}`,
    );
  });

  test("a project without develop.watch is refused", async () => {
    const other = new Project(d, {
      "compose.yaml": "services:\n  a: {image: busybox}\n",
    });
    try {
      const r = await other.compose(["watch", "--no-up"]);
      assert.equal(r.code, 1);
      assert.match(
        r.stderr,
        /none of the selected services is configured for watch/,
      );
    } finally {
      other.remove();
    }
  });
});

describe("compose push", { skip: skipReason() ?? registrySkip() }, () => {
  const d = new TestDaemon();
  const reg = new TestRegistry();
  let p: Project;
  before(async () => {
    await reg.start();
    await d.start();
    await d.importBusybox();
  });
  after(async () => {
    await p?.compose(["down", "--rmi", "all"]);
    p?.remove();
    await d.stop();
    await reg.stop();
  });

  test("push sends built services' images to the registry and skips the others", async () => {
    const image = `${reg.host}/compose/app:1`;
    p = new Project(d, {
      "compose.yaml": `services:
  app:
    build: ./app
    image: ${image}
  plain:
    image: busybox
`,
      "app/Dockerfile": "FROM busybox\nRUN echo pushed > /marker\n",
    });
    await p.ok(["build"]);
    const r = await p.compose(["push"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(`Image ${image.replace(/[.]/g, "\\.")} +Pushed`),
    );
    assert.match(reg.log(), /"PUT \/v2\/compose\/app\/manifests\/1 /);
    assert.doesNotMatch(reg.log(), /busybox/);
    // the image comes back from the registry
    await d.ok(["rmi", image]);
    await d.ok(["pull", image]);
    const out = await d.ok(["run", "--rm", image, "cat", "/marker"]);
    assert.equal(out, "pushed\n");
    const bad = await p.compose(["push", "nosuch"]);
    assert.match(bad.stderr, /no such service: nosuch/);
  });
});
