/**
 * Acceptance: the same project through the Docker CLI's compose plugin
 * (bin/docker-compose) and through Debian's docker-compose 1.29 (Python,
 * docker-py) as a check that wharfd's API is what compose tools expect; and
 * bad input that must name the file and key and create nothing.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { execFile } from "../../../src/util/exec.ts";
import { dockerBin, freePort, skipReason, TestDaemon } from "../harness.ts";
import { httpGet, Project, until } from "./project.ts";

const repo = resolve(import.meta.dirname, "../../..");
const COMPOSE_129 = "/usr/bin/docker-compose";

// docker-compose 1.29 needs a `version:`; every healthcheck field is set
// because docker-py sends null for the ones left out.
const APP = (port: number) => `version: "3.7"
services:
  db:
    image: busybox
    command: ["sh", "-c", "echo ok > /data/ok; exec httpd -f -p 3306 -h /data"]
    volumes: [data:/data]
    networks: [backend]
    healthcheck:
      test: ["CMD", "wget", "-qO-", "http://127.0.0.1:3306/ok"]
      interval: 1s
      timeout: 2s
      retries: 30
      start_period: 1s
  web:
    image: busybox
    depends_on: [db]
    ports: ["127.0.0.1:${port}:80"]
    networks: [frontend, backend]
    command: ["sh", "-c", "until wget -qO /tmp/ok http://db:3306/ok; do sleep 0.2; done; mkdir -p /www; cp /tmp/ok /www/index.html; exec httpd -f -p 80 -h /www"]
networks:
  frontend: {}
  backend: {}
volumes:
  data: {}
`;

describe("compose through other tools", { skip: skipReason() }, () => {
  const d = new TestDaemon();
  let p: Project;
  let port = 0;
  before(async () => {
    await d.start();
    await d.importBusybox();
    port = await freePort();
    p = new Project(d, { "compose.yaml": APP(port) });
    // the plugin goes into this daemon's DOCKER_CONFIG, never the system directory
    const r = await execFile(join(repo, "scripts/install-compose-plugin.sh"), [
      join(d.env.DOCKER_CONFIG ?? "", "cli-plugins"),
    ]);
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await p?.compose(["-p", "viaplugin", "down", "-v"]);
    await p?.compose(["-p", "legacy", "down", "-v"]);
    p?.remove();
    await d.stop();
  });

  test("docker compose up -d / ps / down through the Docker CLI plugin", async () => {
    const up = await p.run(dockerBin, [
      "compose",
      "-p",
      "viaplugin",
      "up",
      "-d",
    ]);
    assert.equal(up.code, 0, up.stderr);
    assert.equal(await until(() => httpGet(port), "the page"), "ok\n");
    const ps = await p.run(dockerBin, [
      "compose",
      "-p",
      "viaplugin",
      "ps",
      "--format",
      "{{.Name}} {{.State}}",
    ]);
    assert.equal(
      ps.stdout,
      "viaplugin-db-1 running\nviaplugin-web-1 running\n",
    );
    const version = await p.run(dockerBin, ["compose", "version"]);
    assert.match(version.stdout, /^Docker Compose version v2\.\d+\.\d+/);
    const down = await p.run(dockerBin, [
      "compose",
      "-p",
      "viaplugin",
      "down",
      "-v",
    ]);
    assert.equal(down.code, 0, down.stderr);
    assert.equal(await d.ok(["ps", "-aq"]), "");
    assert.doesNotMatch(await d.ok(["network", "ls"]), /viaplugin/);
  });

  test("docker -H and --context reach the daemon the Docker CLI would use", async () => {
    const env = { DOCKER_HOST: "" };
    const viaFlag = await p.run(
      dockerBin,
      ["-H", d.env.DOCKER_HOST ?? "", "compose", "ls", "-a"],
      env,
    );
    assert.equal(viaFlag.code, 0, viaFlag.stderr);
    await p.run(
      dockerBin,
      [
        "context",
        "create",
        "wharf-test",
        "--docker",
        `host=${d.env.DOCKER_HOST ?? ""}`,
      ],
      env,
    );
    const viaContext = await p.run(
      dockerBin,
      ["--context", "wharf-test", "compose", "ls", "-a"],
      env,
    );
    assert.equal(viaContext.code, 0, viaContext.stderr);
    assert.match(viaContext.stdout, /^NAME +STATUS +CONFIG FILES\n/);
  });

  test("Debian's docker-compose 1.29 brings the project up and down against wharfd", async (t) => {
    if (!existsSync(COMPOSE_129))
      return t.skip(`${COMPOSE_129} missing (apt-get install docker-compose)`);
    const up = await p.run(COMPOSE_129, ["-p", "legacy", "up", "-d"]);
    assert.equal(up.code, 0, up.stderr);
    assert.equal(await until(() => httpGet(port), "the page"), "ok\n");
    assert.match(
      await d.ok(["ps", "--format", "{{.Names}}"]),
      /legacy_web_1\n(.*\n)*legacy_db_1|legacy_db_1\n(.*\n)*legacy_web_1/,
    );
    const ps = await p.run(COMPOSE_129, ["-p", "legacy", "ps"]);
    assert.match(ps.stdout, /legacy_web_1 .* Up/);
    // wharf compose finds what docker-compose made, by its labels
    assert.equal(
      await p.ok(["-p", "legacy", "ps", "--format", "{{.Name}}"]),
      "legacy_db_1\nlegacy_web_1\n",
    );
    const down = await p.run(COMPOSE_129, ["-p", "legacy", "down", "-v"]);
    assert.equal(down.code, 0, down.stderr);
    assert.equal(await d.ok(["ps", "-aq"]), "");
    assert.doesNotMatch(await d.ok(["volume", "ls", "-q"]), /legacy_/);
  });
});

describe(
  "compose: bad input names file and key and creates nothing",
  { skip: skipReason() },
  () => {
    const d = new TestDaemon();
    let p: Project;
    before(async () => {
      await d.start();
      await d.importBusybox();
      p = new Project(d, {});
    });
    after(async () => {
      p?.remove();
      await d.stop();
    });

    const state = async () =>
      [
        await d.ok(["ps", "-aq"]),
        await d.ok(["network", "ls", "-q"]),
        await d.ok(["volume", "ls", "-q"]),
      ].join("|");
    const cases: [string, string, RegExp][] = [
      [
        "an unknown key",
        "services:\n  web:\n    image: busybox\n    volumes: [v:/v]\n    colour: red\nvolumes: {v: {}}\n",
        /compose\.yaml:5: services\.web additional property colour is not allowed/,
      ],
      [
        "a wrong type",
        "services:\n  web:\n    image: busybox\n    volumes: [v:/v]\n    ports: 80\nvolumes: {v: {}}\n",
        /compose\.yaml:5: services\.web\.ports must be an array/,
      ],
      [
        "an undefined variable with :?",
        "services:\n  web:\n    image: busybox\n    volumes: [v:/v]\n    environment:\n      KEY: ${API_KEY:?API_KEY is required}\nvolumes: {v: {}}\n",
        /compose\.yaml:6: services\.web\.environment\.KEY: required variable API_KEY is missing a value: API_KEY is required/,
      ],
      [
        "a dependency cycle",
        "services:\n  a: {image: busybox, depends_on: [b], volumes: [v:/v]}\n  b: {image: busybox, depends_on: [a]}\nvolumes: {v: {}}\n",
        /compose\.yaml:\d+: services\.[ab]\.depends_on dependency cycle detected: (a -> b -> a|b -> a -> b)/,
      ],
      [
        "a missing env_file",
        "services:\n  web:\n    image: busybox\n    volumes: [v:/v]\n    env_file: settings.env\nvolumes: {v: {}}\n",
        /compose\.yaml:5: services\.web\.env_file env file \S+settings\.env not found/,
      ],
    ];
    for (const [what, yaml, message] of cases)
      test(`${what}: config and up -d fail naming the file and key`, async () => {
        p.write({ "compose.yaml": yaml });
        const before = await state();
        for (const args of [["config"], ["up", "-d"]]) {
          const r = await p.compose(args);
          assert.equal(r.code, 1, `${args.join(" ")}: ${r.stderr}`);
          assert.match(r.stderr, message);
          assert.ok(r.stderr.includes(join(p.dir, "compose.yaml")), r.stderr);
        }
        assert.equal(await state(), before, "nothing was created");
      });
  },
);
