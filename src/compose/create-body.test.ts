import { test } from "node:test";
import assert from "node:assert/strict";
import type { Project, Service } from "./model.ts";
import { bytes, createBody, durationNs } from "./create-body.ts";

const project: Project = {
  name: "p",
  workingDir: "/w",
  configFiles: ["/w/compose.yaml"],
  services: {},
  disabledServices: {},
  networks: { front: { name: "p_front" }, back: { name: "p_back" } },
  volumes: { data: { name: "p_data" } },
  secrets: { token: { name: "p_token", file: "/w/token.txt" } },
  configs: {},
  environment: {},
};

test("a service becomes compose v2's create body", () => {
  const svc: Service = {
    name: "web",
    image: "busybox",
    command: ["httpd", "-f"],
    environment: { A: "1", UNSET: null },
    ports: [
      { target: 80, published: "8080", host_ip: "127.0.0.1", protocol: "tcp" },
    ],
    expose: ["9000"],
    volumes: [
      { type: "volume", source: "data", target: "/data", read_only: true },
      { type: "bind", source: "/w/site", target: "/site" },
      { type: "volume", target: "/anon" },
    ],
    networks: { front: { aliases: ["www"] }, back: null },
    restart: "on-failure:3",
    healthcheck: { test: ["CMD-SHELL", "true"], interval: "1m30s", retries: 2 },
    deploy: { resources: { limits: { memory: "64m", cpus: "0.5" } } },
    secrets: ["token"],
    stop_grace_period: "20s",
  };
  const body = createBody(project, svc, {
    image: "busybox",
    name: "p-web-1",
    labels: { l: "1" },
  });
  assert.deepEqual(body.Cmd, ["httpd", "-f"]);
  assert.deepEqual(body.Env, ["A=1"]);
  assert.deepEqual(body.ExposedPorts, { "80/tcp": {}, "9000/tcp": {} });
  assert.deepEqual(body.HostConfig?.PortBindings, {
    "80/tcp": [{ HostIp: "127.0.0.1", HostPort: "8080" }],
  });
  assert.deepEqual(body.HostConfig?.RestartPolicy, {
    Name: "on-failure",
    MaximumRetryCount: 3,
  });
  assert.deepEqual(body.HostConfig?.Mounts, [
    { Type: "volume", Target: "/data", ReadOnly: true, Source: "p_data" },
    {
      Type: "bind",
      Target: "/site",
      Source: "/w/site",
      BindOptions: { CreateMountpoint: true },
    },
    { Type: "volume", Target: "/anon" },
    {
      Type: "bind",
      Source: "/w/token.txt",
      Target: "/run/secrets/token",
      ReadOnly: true,
    },
  ]);
  assert.equal(body.HostConfig?.Memory, 64 * 1024 * 1024);
  assert.equal(body.HostConfig?.NanoCpus, 500_000_000);
  assert.equal(body.HostConfig?.NetworkMode, "p_back");
  assert.deepEqual(body.NetworkingConfig, {
    EndpointsConfig: { p_back: { Aliases: ["web"] } },
  });
  assert.deepEqual(body.Healthcheck, {
    Test: ["CMD-SHELL", "true"],
    Interval: 90e9,
    Retries: 2,
  });
  assert.equal(body.StopTimeout, 20);
});

test("durations and sizes follow compose's units", () => {
  assert.equal(durationNs("1m30s", "k"), 90e9);
  assert.equal(durationNs(5, "k"), 5e9);
  assert.throws(
    () => durationNs("soon", "healthcheck.interval"),
    /healthcheck\.interval: invalid duration "soon"/,
  );
  assert.equal(bytes("1g", "k"), 1024 ** 3);
  assert.equal(bytes("512M", "k"), 512 * 1024 ** 2);
  assert.equal(bytes("100", "k"), 100);
  assert.throws(() => bytes("lots", "memory"), /memory: invalid size "lots"/);
});
