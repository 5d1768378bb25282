import { test } from "node:test";
import assert from "node:assert/strict";
import {
  DOCKER_HUB_API,
  endpointsFor,
  HubDisabledError,
  isInsecure,
} from "./hosts.ts";

const base = { insecure: [], certsDirs: [] };

test("docker.io goes to the mirrors first, then Docker Hub", async () => {
  const eps = await endpointsFor("docker.io", {
    ...base,
    mirrors: ["http://127.0.0.1:5000"],
  });
  assert.deepEqual(
    eps.map((e) => [e.base, e.mirror]),
    [
      ["http://127.0.0.1:5000", true],
      [`https://${DOCKER_HUB_API}`, false],
    ],
  );
});

test('"registry-hub-fallback": false keeps docker.io on its mirrors only', async () => {
  const eps = await endpointsFor("docker.io", {
    ...base,
    mirrors: ["http://127.0.0.1:5000"],
    hubFallback: false,
  });
  assert.deepEqual(
    eps.map((e) => e.base),
    ["http://127.0.0.1:5000"],
  );
  await assert.rejects(
    endpointsFor("docker.io", { ...base, mirrors: [], hubFallback: false }),
    (err: Error) =>
      err instanceof HubDisabledError &&
      /registry-hub-fallback.*no registry-mirrors are set/.test(err.message),
  );
  // Other registries are untouched by the switch.
  const other = await endpointsFor("127.0.0.1:5000", {
    ...base,
    mirrors: [],
    hubFallback: false,
  });
  assert.deepEqual(
    other.map((e) => e.base),
    ["https://127.0.0.1:5000", "http://127.0.0.1:5000"],
  );
});

test("loopback is insecure by default; CIDRs and names as listed", () => {
  assert.equal(isInsecure("127.0.0.1:5000", []), true);
  assert.equal(isInsecure("10.1.2.3:443", []), false);
  assert.equal(isInsecure("10.1.2.3:443", ["10.0.0.0/8"]), true);
  assert.equal(isInsecure("reg.test:5000", ["reg.test:5000"]), true);
});
