import { test } from "node:test";
import assert from "node:assert/strict";
import { createBody } from "./create-body.ts";
import { dependentsToRestart } from "./dependents.ts";
import { hookExec } from "./hooks.ts";
import type { Project, Service } from "./model.ts";
import { injectedFiles } from "./secrets.ts";

const svc = (name: string, extra: Partial<Service> = {}): Service => ({
  name,
  image: "busybox",
  environment: {},
  ...extra,
});

const project = (services: Record<string, Service>): Project => ({
  name: "p",
  workingDir: "/w",
  configFiles: [],
  services,
  disabledServices: {},
  networks: {},
  volumes: {},
  secrets: {
    tok: { name: "p_tok", environment: "TOKEN" },
    inline: { name: "p_inline", content: "hello" },
  },
  configs: { conf: { name: "p_conf", content: "a=1\n" } },
  environment: { TOKEN: "s3cret" },
});

test("links, volumes_from, devices, annotations, cgroup_parent, userns_mode, reservations and restart_policy reach HostConfig", () => {
  const web = svc("web", {
    links: ["db", "db:database"],
    external_links: ["legacy:old"],
    volumes_from: ["db:ro", "container:other", "db"],
    devices: ["/dev/null:/dev/n:r", { source: "/dev/zero", target: "/dev/z" }],
    annotations: { "org.x": "1" },
    cgroup_parent: "/wharf-test",
    userns_mode: "host",
    deploy: {
      resources: {
        reservations: { memory: "64m", cpus: "0.5" },
      },
      restart_policy: { condition: "on-failure", max_attempts: 3 },
    },
    restart: "always",
  });
  const p = project({ web, db: svc("db", { deploy: { replicas: 2 } }) });
  const h = createBody(p, web, { image: "busybox", labels: {}, name: "x" })
    .HostConfig as Record<string, unknown>;
  assert.deepEqual(h.Links, [
    "p-db-1:db",
    "p-db-2:db",
    "p-db-1:database",
    "p-db-2:database",
    "legacy:old",
  ]);
  assert.deepEqual(h.VolumesFrom, ["p-db-1:ro", "other", "p-db-1"]);
  assert.deepEqual(h.Devices, [
    {
      PathOnHost: "/dev/null",
      PathInContainer: "/dev/n",
      CgroupPermissions: "r",
    },
    {
      PathOnHost: "/dev/zero",
      PathInContainer: "/dev/z",
      CgroupPermissions: "rwm",
    },
  ]);
  assert.deepEqual(h.Annotations, { "org.x": "1" });
  assert.equal(h.CgroupParent, "/wharf-test");
  assert.equal(h.UsernsMode, "host");
  assert.equal(h.MemoryReservation, 64 * 1024 * 1024);
  assert.equal(h.NanoCpus, undefined, "a CPU reservation is a swarm option");
  assert.deepEqual(h.RestartPolicy, {
    Name: "on-failure",
    MaximumRetryCount: 3,
  });
  const none = svc("n", { deploy: { restart_policy: { condition: "none" } } });
  assert.deepEqual(
    createBody(p, none, { image: "b", labels: {}, name: "n" }).HostConfig
      ?.RestartPolicy,
    { Name: "no", MaximumRetryCount: 0 },
  );
});

test("environment and content secrets are written into the container, not mounted", () => {
  const web = svc("web", {
    secrets: [
      "tok",
      { source: "inline", target: "named", mode: "0400", uid: "5" },
    ],
    configs: [{ source: "conf", target: "/etc/app.conf" }],
  });
  const p = project({ web });
  const body = createBody(p, web, { image: "b", labels: {}, name: "w" });
  assert.deepEqual(body.HostConfig?.Mounts, []);
  assert.deepEqual(injectedFiles(p, web), [
    { path: "/run/secrets/tok", text: "s3cret", mode: 0o444, uid: 0, gid: 0 },
    { path: "/run/secrets/named", text: "hello", mode: 0o400, uid: 5, gid: 0 },
    { path: "/etc/app.conf", text: "a=1\n", mode: 0o444, uid: 0, gid: 0 },
  ]);
  const unset = { ...p, environment: {} };
  assert.throws(
    () => injectedFiles(unset, web),
    /environment variable "TOKEN" of secret "tok" is not set/,
  );
});

test("a hook is an exec with its user, privileged, environment and working_dir", () => {
  assert.deepEqual(
    hookExec({
      command: "sh -c 'echo hi'",
      user: "nobody",
      privileged: true,
      environment: ["A=1", "B"],
      working_dir: "/tmp",
    }),
    {
      Cmd: ["sh", "-c", "echo hi"],
      User: "nobody",
      Privileged: true,
      Env: ["A=1"],
      WorkingDir: "/tmp",
      AttachStdout: true,
      AttachStderr: true,
    },
  );
});

test("depends_on.restart: dependents (transitively) of a changed service", () => {
  const dep = (restart: boolean) => ({
    condition: "service_started" as const,
    required: true,
    restart,
  });
  const p = project({
    db: svc("db"),
    api: svc("api", { depends_on: { db: dep(true) } }),
    web: svc("web", { depends_on: { api: dep(true) } }),
    worker: svc("worker", { depends_on: { db: dep(false) } }),
  });
  assert.deepEqual(dependentsToRestart(p, new Set(["db"])).sort(), [
    "api",
    "web",
  ]);
  assert.deepEqual(dependentsToRestart(p, new Set(["web"])), []);
});
