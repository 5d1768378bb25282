/**
 * Issue 14's remaining keys and flags through `wharf compose` (and the Docker
 * CLI plugin where it fits): links, volumes_from, secrets from environment
 * and content, hooks, depends_on.restart, anonymous volume reuse and -V,
 * extends from another file, profiles enabled by naming a service, `run`
 * flags and `config`'s output switches.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { execFile } from "../../../src/util/exec.ts";
import { dockerBin, freePort, skipReason, TestDaemon } from "../harness.ts";
import { httpGet, Project, until } from "./project.ts";

const repo = resolve(import.meta.dirname, "../../..");

const APP = `services:
  db:
    image: busybox
    command: ["sh", "-c", "echo shared > /data/from-db; exec sleep 3600"]
    volumes: ["/data"]
    stop_grace_period: 1s
  api:
    image: busybox
    command: ["sleep", "3600"]
    stop_grace_period: 1s
    depends_on:
      db: {condition: service_started, restart: true}
    links: ["db:database"]
    volumes_from: ["db:ro"]
    annotations: {org.wharf.test: "yes"}
    deploy:
      resources: {reservations: {memory: 32m}}
      restart_policy: {condition: on-failure, max_attempts: 2}
    secrets: [token, {source: note, target: note.txt, mode: 0400}]
    configs: [{source: conf, target: /etc/app.conf}]
    post_start:
      - command: ["sh", "-c", "echo \\"$$GREETING from $$(pwd) as $$(id -u)\\" > /tmp/hooked"]
        user: "65534"
        environment: {GREETING: hi}
        working_dir: /tmp
    pre_stop:
      - command: ["sh", "-c", "echo bye > /out/stopped"]
    volumes: ["./out:/out"]
  anon:
    image: busybox
    command: ["sleep", "3600"]
    stop_grace_period: 1s
    environment: {GEN: "1"}
    volumes: ["/keep"]
  tool:
    image: busybox
    profiles: [debug]
    command: ["sleep", "3600"]
    stop_grace_period: 1s
  ext:
    extends: {file: sub/base.yaml, service: base}
    profiles: [ext]
secrets:
  token: {environment: TOKEN}
  note: {environment: NOTE}
configs:
  conf: {content: "key=value"}
`;

describe("compose keys and flags", { skip: skipReason() }, () => {
  const d = new TestDaemon();
  let p: Project;
  const env = { TOKEN: "t0ken", NOTE: "a note" };
  const ok = (args: string[]) => p.ok(args, env);
  const proj = () => basename(p.dir).toLowerCase();
  const inspect = async (name: string) =>
    JSON.parse(await d.ok(["inspect", name]))[0] as {
      Id: string;
      State: { StartedAt: string };
      HostConfig: Record<string, unknown>;
      Config: { Labels: Record<string, string> };
      Mounts: { Name?: string; Destination: string }[];
    };
  before(async () => {
    await d.start();
    await d.importBusybox();
    p = new Project(d, {
      "compose.yaml": APP,
      "out/.keep": "",
      "sub/base.yaml": `services:
  base:
    build: ./ctx
    env_file: base.env
    command: ["sh", "-c", "cat /hello; echo $$FROM_BASE"]
`,
      "sub/base.env": "FROM_BASE=base-env\n",
      "sub/ctx/Dockerfile": "FROM busybox\nCOPY hello /hello\n",
      "sub/ctx/hello": "hello from sub/ctx\n",
    });
    await ok(["up", "-d"]);
  });
  after(async () => {
    await p?.compose(["--profile", "*", "down", "-v", "-t", "1"], env);
    p?.remove();
    await d.stop();
  });

  test("links, volumes_from, annotations, reservations and restart_policy reach the container", async () => {
    const api = await inspect(`${proj()}-api-1`);
    const name = proj();
    assert.deepEqual(api.HostConfig.VolumesFrom, [`${name}-db-1:ro`]);
    assert.deepEqual(api.HostConfig.RestartPolicy, {
      Name: "on-failure",
      MaximumRetryCount: 2,
    });
    assert.equal(api.HostConfig.MemoryReservation, 32 * 1024 * 1024);
    assert.deepEqual(api.HostConfig.Annotations, { "org.wharf.test": "yes" });
    // compat: on a user-defined network (the project's) a link lives in the
    // endpoint, as dockerd keeps it; HostConfig.Links is for the default bridge.
    const endpoints = Object.values(
      (
        api as unknown as {
          NetworkSettings: {
            Networks: Record<string, { Links: string[] | null }>;
          };
        }
      ).NetworkSettings.Networks,
    );
    assert.match(String(endpoints[0]?.Links), /db-1:database/);
    assert.equal(
      await until(async () => {
        const out = await ok(["exec", "-T", "api", "cat", "/data/from-db"]);
        return out === "shared\n" ? out : undefined;
      }, "db's volume in api"),
      "shared\n",
    );
    // the link's alias resolves to db
    const r = await p.compose(
      ["exec", "-T", "api", "ping", "-c1", "-W2", "database"],
      env,
    );
    assert.equal(r.code, 0, r.stderr + r.stdout);
  });

  test("secrets and configs from environment and content; the post_start hook ran with its user, env and workdir", async () => {
    assert.equal(
      await ok(["exec", "-T", "api", "cat", "/run/secrets/token"]),
      "t0ken",
    );
    assert.equal(
      await ok(["exec", "-T", "api", "cat", "/run/secrets/note.txt"]),
      "a note",
    );
    assert.equal(
      await ok([
        "exec",
        "-T",
        "api",
        "stat",
        "-c",
        "%a",
        "/run/secrets/note.txt",
      ]),
      "400\n",
    );
    assert.equal(
      await ok(["exec", "-T", "api", "cat", "/etc/app.conf"]),
      "key=value",
    );
    assert.equal(
      await ok(["exec", "-T", "api", "cat", "/tmp/hooked"]),
      "hi from /tmp as 65534\n",
    );
  });

  test("depends_on.restart: restarting db restarts api; the pre_stop hook runs on stop", async () => {
    const name = proj();
    const before = (await inspect(`${name}-api-1`)).State.StartedAt;
    await ok(["restart", "-t", "1", "db"]);
    const after = (await inspect(`${name}-api-1`)).State.StartedAt;
    assert.notEqual(after, before, "api was restarted after db");
    await ok(["stop", "-t", "1", "api"]);
    assert.equal(readFileSync(join(p.dir, "out/stopped"), "utf8"), "bye\n");
    await ok(["start", "api"]);
  });

  test("recreate keeps anonymous volumes; -V renews them", async () => {
    await ok(["exec", "-T", "anon", "sh", "-c", "echo kept > /keep/f"]);
    p.write({ "compose.yaml": APP.replace('GEN: "1"', 'GEN: "2"') });
    await ok(["up", "-d", "anon"]);
    assert.equal(await ok(["exec", "-T", "anon", "cat", "/keep/f"]), "kept\n");
    await ok(["up", "-d", "-V", "--force-recreate", "anon"]);
    const r = await p.compose(["exec", "-T", "anon", "cat", "/keep/f"], env);
    assert.notEqual(r.code, 0, "a renewed anonymous volume is empty");
    p.write({ "compose.yaml": APP });
  });

  test("naming a disabled-profile service enables it; extends from another file builds with its own paths", async () => {
    await ok(["up", "-d", "tool"]);
    assert.match(await ok(["ps", "--services", "tool"]), /^tool$/m);
    const out = await ok(["run", "--rm", "-T", "ext"]);
    assert.equal(out, "hello from sub/ctx\nbase-env\n");
  });

  test("run -p -v -w -u --entrypoint -l --name --use-aliases", async () => {
    const port = await freePort();
    const name = `runflags-${process.pid}`;
    await ok([
      "run",
      "-d",
      "--name",
      name,
      "-l",
      "x.y=z",
      "-p",
      `127.0.0.1:${port}:8080`,
      "-v",
      "./out:/srv",
      "-w",
      "/srv",
      "-u",
      "0",
      "--use-aliases",
      "--entrypoint",
      "httpd",
      "tool",
      "-f",
      "-p",
      "8080",
    ]);
    p.write({ "out/index.html": "served\n" });
    assert.equal(await until(() => httpGet(port), "run -p"), "served\n");
    const c = await inspect(name);
    assert.equal(c.Config.Labels["x.y"], "z");
    await d.ok(["rm", "-f", name]);
    const plain = await ok([
      "run",
      "--rm",
      "-T",
      "-w",
      "/etc",
      "-u",
      "65534",
      "tool",
      "sh",
      "-c",
      "pwd; id -u",
    ]);
    assert.equal(plain, "/etc\n65534\n");
  });

  test("config --no-interpolate, --no-normalize, --images and --quiet", async () => {
    const raw = await ok(["config", "--no-interpolate", "--format", "json"]);
    assert.match(raw, /"environment": "TOKEN"/);
    const nn = await ok(["config", "--no-normalize"]);
    assert.match(nn, /volumes:\n\s+- \/data/);
    assert.match(nn, /links:\n\s+- db:database/);
    assert.equal(
      (await ok(["config", "--images"])).split("\n").filter(Boolean).length,
      3,
    );
    assert.equal(await ok(["config", "--quiet"]), "");
  });

  test("stats, commit, export and attach on a service's container (stats also through docker compose)", async () => {
    const plug = await execFile(
      join(repo, "scripts/install-compose-plugin.sh"),
      [join(d.env.DOCKER_CONFIG ?? "", "cli-plugins")],
    );
    assert.equal(plug.code, 0, plug.stderr);
    const name = proj();
    const stats = await ok([
      "stats",
      "--no-stream",
      "--format",
      "{{.Name}}",
      "db",
    ]);
    assert.equal(stats, `${name}-db-1\n`);
    const viaPlugin = await p.run(
      dockerBin,
      ["compose", "stats", "--no-stream", "--format", "{{.Name}}"],
      env,
    );
    assert.equal(viaPlugin.code, 0, viaPlugin.stderr);
    assert.match(viaPlugin.stdout, new RegExp(`${name}-anon-1\\n`));
    const id = (
      await ok(["commit", "-m", "snap", "db", `snap-${process.pid}:1`])
    ).trim();
    assert.match(id, /^sha256:[0-9a-f]{64}$/);
    await d.ok(["rmi", `snap-${process.pid}:1`]);
    const tar = join(p.dir, "db.tar");
    await ok(["export", "-o", tar, "db"]);
    const list = await execFile("tar", ["-tf", tar]);
    assert.match(list.stdout, /^bin\/busybox$/m);
    // attach: the running container's output until it stops
    const att = p.compose(["attach", "--no-stdin", "tool"], env);
    await new Promise((ok) => setTimeout(ok, 1500));
    await ok([
      "exec",
      "-T",
      "tool",
      "sh",
      "-c",
      "echo attached-ok > /proc/1/fd/1",
    ]);
    await new Promise((ok) => setTimeout(ok, 500));
    await ok(["stop", "-t", "1", "tool"]);
    assert.match((await att).stdout, /attached-ok/);
    const none = await p.compose(["attach", "nosuch"], env);
    assert.match(none.stderr, /no such service: nosuch/);
    assert.ok(existsSync(tar));
  });
});
