import { after, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadProject } from "./project.ts";
import { ProjectDirs } from "./testing.ts";

const dirs = new ProjectDirs("compose-load-");
after(() => dirs.remove());
const project = dirs.project.bind(dirs);

test("discovery up the tree, the directory's name as project name, .env and the override file", () => {
  const dir = project("My_App", {
    "compose.yaml":
      "services:\n  web:\n    image: busybox:${TAG}\n    ports: ['${PORT}:80']\n",
    "compose.override.yaml": "services:\n  web:\n    environment: [DEBUG=1]\n",
    ".env": "TAG=1.36\nPORT=8080\n",
    "sub/deeper/.keep": "",
  });
  const p = loadProject({
    cwd: join(dir, "sub/deeper"),
    env: { PORT: "9090" },
  });
  assert.equal(p.name, "my_app");
  assert.equal(p.workingDir, dir);
  assert.deepEqual(p.configFiles, [
    join(dir, "compose.yaml"),
    join(dir, "compose.override.yaml"),
  ]);
  const web = p.services.web;
  assert.equal(web?.image, "busybox:1.36");
  assert.equal(
    web?.ports?.[0]?.published,
    "9090",
    "the process environment wins over .env",
  );
  assert.deepEqual(web?.environment, { DEBUG: "1" });
  assert.deepEqual(web?.networks, { default: null });
  assert.equal(p.networks.default?.name, "my_app_default");
});

test("-f files merge in order; -p, COMPOSE_PROJECT_NAME and name: pick the project name", () => {
  const dir = project("merge", {
    "a.yaml":
      "name: fromfile\nservices:\n  web: {image: a, command: echo a}\nvolumes: {data: {}}\n",
    "b.yaml": "services:\n  web: {command: echo b, volumes: ['data:/d']}\n",
  });
  const files = ["a.yaml", "b.yaml"];
  const p = loadProject({ cwd: dir, env: {}, files });
  assert.equal(p.name, "fromfile");
  assert.deepEqual(p.services.web?.command, ["echo", "b"]);
  assert.equal(p.volumes.data?.name, "fromfile_data");
  assert.equal(
    loadProject({ cwd: dir, env: { COMPOSE_PROJECT_NAME: "envname" }, files })
      .name,
    "envname",
  );
  assert.equal(
    loadProject({
      cwd: dir,
      env: { COMPOSE_PROJECT_NAME: "envname" },
      files,
      projectName: "flag",
    }).name,
    "flag",
  );
  assert.throws(
    () => loadProject({ cwd: dir, env: {}, files, projectName: "Bad Name" }),
    /invalid project name "Bad Name"/,
  );
  assert.deepEqual(
    loadProject({ cwd: dir, env: { COMPOSE_FILE: "a.yaml" } }).services.web
      ?.command,
    ["echo", "a"],
  );
});

test("extends (same file and another file), include, and profiles", () => {
  const dir = project("ext", {
    "compose.yaml": [
      "include: [lib/cache.yaml]",
      "services:",
      "  base: {image: busybox, environment: {A: '1'}}",
      "  web: {extends: base, environment: {B: '2'}}",
      "  other: {extends: {file: common.yaml, service: tmpl}}",
      "  debug: {image: busybox, profiles: [debug]}",
    ].join("\n"),
    "common.yaml": "services:\n  tmpl: {image: from-common, restart: always}\n",
    "lib/cache.yaml":
      "services:\n  cache: {image: cache, env_file: cache.env}\n",
    "lib/cache.env": "SIZE=64\n",
  });
  const p = loadProject({ cwd: dir, env: {} });
  assert.deepEqual(p.services.web?.environment, { A: "1", B: "2" });
  assert.equal(p.services.other?.image, "from-common");
  assert.equal(p.services.other?.restart, "always");
  assert.deepEqual(
    p.services.cache?.environment,
    { SIZE: "64" },
    "included files resolve paths against their own directory",
  );
  assert.deepEqual(Object.keys(p.services).sort(), [
    "base",
    "cache",
    "other",
    "web",
  ]);
  assert.deepEqual(Object.keys(p.disabledServices).sort(), ["debug"]);
  const withDebug = loadProject({
    cwd: dir,
    env: { COMPOSE_PROFILES: "debug" },
  });
  assert.ok(withDebug.services.debug);
});

test("references: undefined networks, volumes and services, and a missing file", () => {
  const dir = project("refs", {
    "n.yaml": "services:\n  web: {image: x, networks: [nope]}\n",
    "d.yaml": "services:\n  web: {image: x, depends_on: [ghost]}\n",
  });
  assert.throws(
    () => loadProject({ cwd: dir, env: {}, files: ["n.yaml"] }),
    /n\.yaml:2: services\.web\.networks\.nope refers to undefined network nope/,
  );
  assert.throws(
    () => loadProject({ cwd: dir, env: {}, files: ["d.yaml"] }),
    /services\.web\.depends_on\.ghost depends on undefined service "ghost"/,
  );
  assert.throws(
    () => loadProject({ cwd: dir, env: {}, files: ["missing.yaml"] }),
    /missing\.yaml: ENOENT/,
  );
  assert.throws(
    () => loadProject({ cwd: "/", env: {} }),
    /no configuration file provided: not found/,
  );
});
