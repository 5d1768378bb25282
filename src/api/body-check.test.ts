import { test } from "node:test";
import assert from "node:assert/strict";
import { checkGoBody } from "./body-check.ts";

const checkBody = (name: Parameters<typeof checkGoBody>[0], body: unknown) => {
  const r = checkGoBody(name, body);
  if ("error" in r) throw new Error(`invalid JSON: ${r.error}`);
  return r.value;
};
const refusal = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    return (err as Error).message;
  }
  return "accepted";
};

test("checkBody() refuses wrongly typed create fields with Go's decoder text (dockerd 28, Go 1.24 paths)", () => {
  const cases: [unknown, string][] = [
    [
      { Image: ["busybox"] },
      "json: cannot unmarshal array into Go struct field CreateRequest.Config.Image of type string",
    ],
    [
      { Image: "b", Cmd: { a: 1 } },
      "json: cannot unmarshal object into Go struct field CreateRequest.Config.Cmd of type string",
    ],
    [
      { Image: "b", Env: "A=1" },
      "json: cannot unmarshal string into Go struct field CreateRequest.Config.Env of type []string",
    ],
    [
      { Image: "b", HostConfig: { Memory: "lots" } },
      "json: cannot unmarshal string into Go struct field HostConfig.HostConfig.Resources.Memory of type int64",
    ],
    [
      { Image: "b", HostConfig: { Privileged: "true" } },
      "json: cannot unmarshal string into Go struct field HostConfig.HostConfig.Privileged of type bool",
    ],
    [
      { Image: "b", HostConfig: { Binds: "/:/host" } },
      "json: cannot unmarshal string into Go struct field HostConfig.HostConfig.Binds of type []string",
    ],
    [
      { Image: "b", HostConfig: { Memory: 1.5 } },
      "json: cannot unmarshal number 1.5 into Go struct field HostConfig.HostConfig.Resources.Memory of type int64",
    ],
    [
      { Image: "b", Labels: { a: 1 } },
      "json: cannot unmarshal number into Go struct field CreateRequest.Config.Labels of type string",
    ],
    [
      { Image: "b", ExposedPorts: { "80/tcp": 1 } },
      "json: cannot unmarshal number into Go struct field CreateRequest.Config.ExposedPorts of type struct {}",
    ],
    [
      {
        Image: "b",
        NetworkingConfig: { EndpointsConfig: { bridge: { Aliases: "x" } } },
      },
      "json: cannot unmarshal string into Go struct field EndpointSettings.NetworkingConfig.EndpointsConfig.Aliases of type []string",
    ],
    [
      { Image: "b", Healthcheck: { Interval: "1s" } },
      "json: cannot unmarshal string into Go struct field HealthConfig.Config.Healthcheck.Interval of type time.Duration",
    ],
    [
      {
        Image: "b",
        HostConfig: { PortBindings: { "80/tcp": [{ HostPort: 80 }] } },
      },
      "json: cannot unmarshal number into Go struct field PortBinding.HostConfig.PortBindings.HostPort of type string",
    ],
    [
      { Image: "b", HostConfig: "x" },
      "json: cannot unmarshal string into Go struct field CreateRequest.HostConfig of type container.HostConfig",
    ],
    [
      { Image: "b", StopTimeout: "3" },
      "json: cannot unmarshal string into Go struct field CreateRequest.Config.StopTimeout of type int",
    ],
    [
      ["busybox"],
      "json: cannot unmarshal array into Go value of type container.CreateRequest",
    ],
  ];
  for (const [body, text] of cases)
    assert.equal(
      refusal(() => checkBody("containerCreate", body)),
      `invalid JSON: ${text}`,
      JSON.stringify(body),
    );
});

test("checkBody() treats null as absent field by field and fixes the case of keys", () => {
  assert.deepEqual(
    checkBody("containerCreate", {
      image: "busybox",
      Cmd: null,
      Healthcheck: { Test: ["CMD", "true"], StartPeriod: null, Interval: 0 },
      HostConfig: { binds: null, Memory: null, LogConfig: null },
      Unknown: 1,
    }),
    {
      Image: "busybox",
      Healthcheck: { Test: ["CMD", "true"], Interval: 0 },
      HostConfig: {},
      Unknown: 1,
    },
  );
  assert.equal(checkBody("containerCreate", null), null);
});

test("checkBody() checks the other bodies: update, exec, networks, volumes", () => {
  const cases: [Parameters<typeof checkBody>[0], unknown, string][] = [
    [
      "containerUpdate",
      { Memory: "1g" },
      "json: cannot unmarshal string into Go struct field UpdateConfig.Resources.Memory of type int64",
    ],
    [
      "containerUpdate",
      { BlkioWeight: 70000 },
      "json: cannot unmarshal number 70000 into Go struct field UpdateConfig.Resources.BlkioWeight of type uint16",
    ],
    [
      "execCreate",
      { Cmd: "ls" },
      "json: cannot unmarshal string into Go struct field ExecOptions.Cmd of type []string",
    ],
    [
      "execStart",
      { Tty: "yes" },
      "json: cannot unmarshal string into Go struct field ExecStartOptions.Tty of type bool",
    ],
    [
      "networkCreate",
      { Name: "n", Driver: 1 },
      "json: cannot unmarshal number into Go struct field CreateRequest.CreateOptions.Driver of type string",
    ],
    [
      "networkConnect",
      { Container: "c", EndpointConfig: { Aliases: "a" } },
      "json: cannot unmarshal string into Go struct field EndpointSettings.EndpointConfig.Aliases of type []string",
    ],
    [
      "networkDisconnect",
      { Container: "c", Force: "yes" },
      "json: cannot unmarshal string into Go struct field DisconnectOptions.Force of type bool",
    ],
    [
      "volumeCreate",
      { Name: ["v"] },
      "json: cannot unmarshal array into Go struct field CreateOptions.Name of type string",
    ],
  ];
  for (const [name, body, text] of cases)
    assert.equal(
      refusal(() => checkBody(name, body)),
      `invalid JSON: ${text}`,
    );
});

test("checkGoBody() with repair drops wrongly typed fields of a record and says which", () => {
  const r = checkGoBody(
    "containerCreate",
    {
      Image: ["busybox"],
      Cmd: ["sh"],
      HostConfig: { Memory: "x", Privileged: true },
    },
    { repair: true },
  );
  assert.ok(!("error" in r));
  assert.deepEqual(r.value, { Cmd: ["sh"], HostConfig: { Privileged: true } });
  assert.equal(r.dropped.length, 2);
});
