import { test } from "node:test";
import assert from "node:assert/strict";
import type { Volume } from "../../api/volumes.ts";
import { ConflictError, NotFoundError } from "../../util/errors.ts";
import { injector } from "../testing.ts";
import { volumeRoutes, type VolumesBackend } from "./volumes.ts";

const vol = (name: string): Volume => ({
  Name: name,
  Driver: "local",
  Mountpoint: `/v/${name}/_data`,
  Labels: {},
  Scope: "local",
  Options: null,
  CreatedAt: "2024-01-02T03:04:05Z",
});

function fake(): VolumesBackend & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    calls,
    list: async (f) => (
      calls.push(["list", f]),
      { Volumes: [vol("a")], Warnings: null }
    ),
    create: async (body) => (
      calls.push(["create", body]),
      vol(body.Name ?? "x")
    ),
    inspect: async (name) => {
      throw new NotFoundError(`get ${name}: no such volume`);
    },
    remove: async (name, o) => {
      if (!o.force) throw new ConflictError(`remove ${name}: volume is in use`);
      calls.push(["remove", name, o]);
    },
    prune: async (f, o) => (
      calls.push(["prune", f, o]),
      { VolumesDeleted: null, SpaceReclaimed: 0 }
    ),
  };
}

test("GET /volumes answers the list with Warnings null", async () => {
  const b = fake();
  const r = await injector(volumeRoutes(b))(
    "GET",
    `/v1.43/volumes?filters=${encodeURIComponent('{"dangling":["true"]}')}`,
  );
  assert.equal(r.status, 200);
  assert.deepEqual(r.json(), { Volumes: [vol("a")], Warnings: null });
  assert.deepEqual(b.calls[0], ["list", { dangling: ["true"] }]);
});

test("POST /volumes/create answers 201, an empty body is {}, an array is 400", async () => {
  const b = fake();
  const inject = injector(volumeRoutes(b));
  const r = await inject("POST", "/volumes/create", { Name: "data" });
  assert.equal(r.status, 201);
  assert.equal((r.json() as Volume).Name, "data");
  assert.equal((await inject("POST", "/volumes/create")).status, 201);
  assert.deepEqual(b.calls[1], ["create", {}]);
  const bad = await inject("POST", "/volumes/create", "[]");
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.json(), {
    message:
      "invalid JSON: json: cannot unmarshal array into Go value of type volume.CreateOptions",
  });
});

test("GET /volumes/{name} answers 404 with Docker's message", async () => {
  const r = await injector(volumeRoutes(fake()))("GET", "/volumes/nope");
  assert.equal(r.status, 404);
  assert.deepEqual(r.json(), { message: "get nope: no such volume" });
});

test("DELETE /volumes/{name} answers 409 in use and 204 with force", async () => {
  const b = fake();
  const inject = injector(volumeRoutes(b));
  assert.equal((await inject("DELETE", "/volumes/a")).status, 409);
  const r = await inject("DELETE", "/volumes/a?force=1");
  assert.equal(r.status, 204);
  assert.deepEqual(b.calls[0], ["remove", "a", { force: true }]);
});

test("POST /volumes/prune passes the API version from the prefix", async () => {
  const b = fake();
  const inject = injector(volumeRoutes(b));
  const r = await inject("POST", "/v1.41/volumes/prune");
  assert.equal(r.status, 200);
  assert.deepEqual(r.json(), { VolumesDeleted: null, SpaceReclaimed: 0 });
  await inject("POST", "/volumes/prune");
  assert.deepEqual(b.calls, [
    ["prune", {}, { version: "1.41" }],
    ["prune", {}, { version: "1.50" }],
  ]);
});
