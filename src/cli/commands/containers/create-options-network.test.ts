import { test } from "node:test";
import assert from "node:assert/strict";
import { parsePublishSpec } from "./create-options-network.ts";

test("parsePublishSpec() reads every -p form", () => {
  assert.deepEqual(parsePublishSpec("80"), [
    { key: "80/tcp", binding: { HostIp: "", HostPort: "" } },
  ]);
  assert.deepEqual(parsePublishSpec("127.0.0.1::53/udp"), [
    { key: "53/udp", binding: { HostIp: "127.0.0.1", HostPort: "" } },
  ]);
  assert.deepEqual(
    parsePublishSpec("8080-8081:80-81").map(
      (x) => `${x.key}=${x.binding.HostPort}`,
    ),
    ["80/tcp=8080", "81/tcp=8081"],
  );
  assert.deepEqual(parsePublishSpec("8080-8090:80"), [
    { key: "80/tcp", binding: { HostIp: "", HostPort: "8080-8090" } },
  ]);
  assert.throws(
    () => parsePublishSpec("8080-8082:80-81"),
    /invalid ranges specified/,
  );
  assert.throws(() => parsePublishSpec("x:80:y"), /invalid containerPort: y/);
});
