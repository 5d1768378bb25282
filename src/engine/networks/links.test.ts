import { test } from "node:test";
import assert from "node:assert/strict";
import { linkEnv, parseLink } from "./links.ts";

test("parseLink() reads the CLI's and Docker's stored forms", () => {
  assert.deepEqual(parseLink("web:db"), { name: "web", alias: "db" });
  assert.deepEqual(parseLink("web"), { name: "web", alias: "web" });
  assert.deepEqual(parseLink("/web:/client/db"), { name: "web", alias: "db" });
});

test("linkEnv() gives Docker's variables, lowest port first", () => {
  const env = linkEnv({
    alias: "my-db",
    parentName: "/client",
    ip: "172.17.0.2",
    exposed: ["5432/tcp", "80/udp"],
    env: ["PATH=/bin", "PASSWORD=x"],
  });
  assert.deepEqual(env, [
    "MY_DB_NAME=/client/my-db",
    "MY_DB_PORT=udp://172.17.0.2:80",
    "MY_DB_PORT_80_UDP=udp://172.17.0.2:80",
    "MY_DB_PORT_80_UDP_ADDR=172.17.0.2",
    "MY_DB_PORT_80_UDP_PORT=80",
    "MY_DB_PORT_80_UDP_PROTO=udp",
    "MY_DB_PORT_5432_TCP=tcp://172.17.0.2:5432",
    "MY_DB_PORT_5432_TCP_ADDR=172.17.0.2",
    "MY_DB_PORT_5432_TCP_PORT=5432",
    "MY_DB_PORT_5432_TCP_PROTO=tcp",
    "MY_DB_ENV_PASSWORD=x",
  ]);
});
