import { test } from "node:test";
import assert from "node:assert/strict";
import { mergeFiles } from "./merge.ts";

test("override files merge mappings, lists by key, and replace commands", () => {
  const base = {
    services: {
      web: {
        image: "a",
        command: ["one", "two"],
        environment: ["A=1", "B=2"],
        ports: ["80"],
        volumes: ["data:/data", "./x:/x"],
        labels: { l: "1" },
      },
    },
    volumes: { data: {} },
  };
  const over = {
    services: {
      web: {
        image: "b",
        command: ["three"],
        environment: { B: "3", C: "4" },
        ports: ["443"],
        volumes: ["other:/data"],
      },
      db: { image: "db" },
    },
  };
  assert.deepEqual(mergeFiles(base, over), {
    services: {
      web: {
        image: "b",
        command: ["three"],
        environment: { A: "1", B: "3", C: "4" },
        ports: ["80", "443"],
        volumes: ["other:/data", "./x:/x"],
        labels: { l: "1" },
      },
      db: { image: "db" },
    },
    volumes: { data: {} },
  });
});

test("a null entry keeps the base definition", () => {
  assert.deepEqual(
    mergeFiles(
      { networks: { n: { driver: "bridge" } } },
      { networks: { n: null } },
    ),
    {
      networks: { n: { driver: "bridge" } },
    },
  );
});
