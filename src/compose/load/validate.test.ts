import { test } from "node:test";
import assert from "node:assert/strict";
import { validateFile } from "./validate.ts";
import { parseYaml } from "./yaml-file.ts";

const validate = (text: string) => {
  const f = parseYaml(text, "/p/compose.yaml");
  validateFile(f.data, f);
};

test("a valid file with extensions, anchors and merge keys passes", () => {
  validate(`
version: "3.9"
x-base: &base
  restart: always
services:
  web:
    <<: *base
    image: busybox
    ports: ["80:80", {target: 443, published: "8443"}]
    deploy: {replicas: 2, resources: {limits: {cpus: "0.5", memory: 64M}}}
`);
});

test("schema violations name the file, line and key", () => {
  assert.throws(
    () => validate("services:\n  web:\n    image: busybox\n    colour: red\n"),
    {
      message:
        "/p/compose.yaml:4: services.web additional property colour is not allowed",
    },
  );
  assert.throws(
    () => validate("services:\n  web:\n    image: busybox\n    ports: 80\n"),
    {
      message: "/p/compose.yaml:4: services.web.ports must be an array",
    },
  );
  assert.throws(
    () => validate("services:\n  web:\n    image: [1]\n"),
    /compose\.yaml:3: services\.web\.image must be a string/,
  );
  assert.throws(
    () => validate("networks:\n  n:\n    driver: 3\n"),
    /networks\.n\.driver must be a string/,
  );
});

test("YAML errors name the line", () => {
  assert.throws(
    () => parseYaml("services:\n  web:\n   - a\n  b: [\n", "/p/c.yaml"),
    /\/p\/c\.yaml:\d+: /,
  );
  assert.throws(
    () => parseYaml("- a\n", "/p/c.yaml"),
    /Top-level object must be a mapping/,
  );
});
