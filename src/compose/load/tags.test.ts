import { after, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadProject } from "./project.ts";
import { ProjectDirs } from "./testing.ts";

const dirs = new ProjectDirs("compose-tags-");
after(() => dirs.remove());
const project = dirs.project.bind(dirs);

test("!reset removes a key the earlier file set; !override replaces instead of merging", () => {
  const dir = project("tags", {
    "compose.yaml": `services:
  web:
    image: busybox
    ports: ["8080:80"]
    environment: {A: "1", B: "2"}
    labels: [x=1]
`,
    "compose.override.yaml": `services:
  web:
    ports: !reset []
    environment: !override
      C: "3"
    labels: !reset null
`,
  });
  const web = loadProject({ cwd: dir, env: {} }).services.web;
  assert.equal(web?.ports, undefined);
  assert.deepEqual(web?.environment, { C: "3" });
  assert.equal(web?.labels, undefined);
});

test("!reset and !override in a service that extends another", () => {
  const dir = project("tags-extends", {
    "compose.yaml": `services:
  base:
    image: busybox
    command: ["true"]
    dns: [10.0.0.1]
    environment: {A: "1"}
  web:
    extends: base
    dns: !reset []
    environment: !override {B: "2"}
`,
  });
  const web = loadProject({ cwd: dir, env: {} }).services.web;
  assert.equal(web?.dns, undefined);
  assert.deepEqual(web?.environment, { B: "2" });
  assert.deepEqual(web?.command, ["true"]);
});

test("extends from another file: the base's relative paths resolve against that file's directory", () => {
  const dir = project("ext-file", {
    "compose.yaml": `services:
  web:
    extends: {file: common/base.yaml, service: app}
    image: busybox
volumes:
  named: {}
`,
    "common/base.yaml": `services:
  app:
    build: ./ctx
    env_file: app.env
    volumes: ["./data:/data", {type: bind, source: ./conf, target: /conf}, "named:/n"]
`,
    "common/app.env": "FROM_BASE=yes\n",
  });
  const web = loadProject({ cwd: dir, env: {} }).services.web;
  assert.equal(web?.build?.context, join(dir, "common/ctx"));
  assert.equal(web?.environment.FROM_BASE, "yes");
  assert.deepEqual(
    web?.volumes?.map((v) => [v.type, v.source, v.target]),
    [
      ["bind", join(dir, "common/data"), "/data"],
      ["bind", join(dir, "common/conf"), "/conf"],
      ["volume", "named", "/n"],
    ],
  );
});

test("a disabled-profile service named on the command line is enabled, with its dependencies", () => {
  const dir = project("profiles", {
    "compose.yaml": `services:
  web: {image: busybox}
  tool: {image: busybox, profiles: [debug], depends_on: [helper]}
  helper: {image: busybox, profiles: [debug]}
  other: {image: busybox, profiles: [debug]}
`,
  });
  const p = loadProject({ cwd: dir, env: {}, enable: ["tool"] });
  assert.deepEqual(Object.keys(p.services).sort(), ["helper", "tool", "web"]);
  assert.deepEqual(Object.keys(p.disabledServices), ["other"]);
});

test("interpolation off keeps ${VAR} as written; links, volumes_from and annotations normalize", () => {
  const dir = project("nointerp", {
    "compose.yaml": `services:
  web:
    image: busybox:\${TAG:-1}
    links: [db:database]
    volumes_from: [db:ro, "container:other"]
    annotations: [a.b=c]
  db: {image: busybox}
`,
  });
  const raw = loadProject({ cwd: dir, env: {}, interpolate: false });
  assert.equal(raw.services.web?.image, "busybox:${TAG:-1}");
  const p = loadProject({ cwd: dir, env: {} });
  assert.equal(p.services.web?.image, "busybox:1");
  assert.deepEqual(p.services.web?.depends_on, {
    db: { condition: "service_started", required: true },
  });
  assert.deepEqual(p.services.web?.annotations, { "a.b": "c" });
  assert.ok(p.raw && typeof p.raw.services === "object");
});

test("a leading-zero integer is octal, as compose-go reads `mode: 0440`", () => {
  const dir = project("octal", {
    "compose.yaml": `services:
  web:
    image: busybox
    secrets: [{source: s, mode: 0440}]
secrets:
  s: {file: ./s.txt}
`,
  });
  const web = loadProject({ cwd: dir, env: {} }).services.web;
  assert.deepEqual(web?.secrets, [{ source: "s", mode: 0o440 }]);
});
