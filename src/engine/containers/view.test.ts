import { test } from "node:test";
import assert from "node:assert/strict";
import type { HostConfig } from "../../api/containers.ts";
import { createdState, type ContainerRecord } from "./record.ts";
import { listFilter, portFilter } from "./view.ts";

function record(
  id: string,
  extra: Partial<ContainerRecord> = {},
): ContainerRecord {
  return {
    schema: 1,
    id,
    name: `/${id}`,
    created: "2026-01-01T00:00:00Z",
    imageId: "sha256:x",
    path: "sh",
    args: [],
    config: {
      Labels: {},
      ExposedPorts: { "80/tcp": {} },
    } as unknown as ContainerRecord["config"],
    hostConfig: {} as HostConfig,
    state: createdState(),
    restartCount: 0,
    stoppedByUser: false,
    ...extra,
  };
}

const a = record("aaa", {
  mounts: [
    {
      Type: "volume",
      Name: "data",
      Source: "/v/data/_data",
      Destination: "/data",
      Driver: "local",
      Mode: "z",
      RW: true,
      Propagation: "",
    },
  ],
});
const b = record("bbb");
const base = {
  resolve: (ref: string) => (ref === "aaa" ? a : b),
  imageMatches: () => true,
  networksOf: (r: ContainerRecord) =>
    r.id === "aaa" ? ["front", "0123abcd"] : ["bridge"],
  publishedOf: (r: ContainerRecord) => (r.id === "aaa" ? ["8080/tcp"] : []),
};
const ids = (filters: Record<string, string[]>): string[] =>
  [a, b].filter(listFilter(filters, base)).map((r) => r.id);

test("portFilter() matches ports, protocols and ranges as Docker's expose/publish", () => {
  assert.equal(portFilter("80")("80/tcp"), true);
  assert.equal(portFilter("80")("80/udp"), false);
  assert.equal(portFilter("53/udp")("53/udp"), true);
  assert.equal(portFilter("8000-8100/tcp")("8080/tcp"), true);
  assert.equal(portFilter("8000-8100/tcp")("9000/tcp"), false);
  assert.throws(() => portFilter("http"), /invalid port filter 'http'/);
});

test("ps filters network, volume, publish, expose, is-task and isolation select containers", () => {
  assert.deepEqual(ids({ network: ["front"] }), ["aaa"]);
  assert.deepEqual(ids({ network: ["0123"] }), ["aaa"]);
  assert.deepEqual(ids({ network: ["bridge"] }), ["bbb"]);
  assert.deepEqual(ids({ volume: ["data"] }), ["aaa"]);
  assert.deepEqual(ids({ volume: ["/data"] }), ["aaa"]);
  assert.deepEqual(ids({ volume: ["other"] }), []);
  assert.deepEqual(ids({ publish: ["8080"] }), ["aaa"]);
  assert.deepEqual(ids({ publish: ["8080/udp"] }), []);
  assert.deepEqual(ids({ expose: ["80"] }), ["aaa", "bbb"]);
  assert.deepEqual(ids({ expose: ["81-90"] }), []);
  assert.deepEqual(ids({ "is-task": ["true"] }), []);
  assert.deepEqual(ids({ "is-task": ["false"] }), ["aaa", "bbb"]);
  assert.deepEqual(ids({ isolation: ["default"] }), ["aaa", "bbb"]);
  assert.throws(() => ids({ "is-task": ["maybe"] }), /is-task=maybe/);
});
