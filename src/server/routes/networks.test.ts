import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
} from "../../util/errors.ts";
import { injector } from "../testing.ts";
import { networkRoutes, type NetworksBackend } from "./networks.ts";

function fake(): NetworksBackend & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    calls,
    list: async (f) => (calls.push(["list", f]), []),
    inspect: async (ref) => {
      throw new NotFoundError(`network ${ref} not found`);
    },
    create: async (body) => (
      calls.push(["create", body]),
      { Id: "n1", Warning: "" }
    ),
    remove: async (ref) => {
      if (ref === "bridge")
        throw new ForbiddenError(
          "bridge is a pre-defined network and cannot be removed",
        );
      calls.push(["remove", ref]);
    },
    connect: async (ref, body) => void calls.push(["connect", ref, body]),
    disconnect: async () => {
      throw new ConflictError("container c is not connected to network n");
    },
    prune: async (f) => (calls.push(["prune", f]), { NetworksDeleted: null }),
  };
}

test("GET /networks passes filters through the /v1.NN prefix", async () => {
  const b = fake();
  const r = await injector(networkRoutes(b))(
    "GET",
    `/v1.44/networks?filters=${encodeURIComponent('{"driver":{"bridge":true}}')}`,
  );
  assert.equal(r.status, 200);
  assert.deepEqual(r.json(), []);
  assert.deepEqual(b.calls[0], ["list", { driver: ["bridge"] }]);
});

test("GET /networks answers 400 for filters that are not JSON", async () => {
  const r = await injector(networkRoutes(fake()))(
    "GET",
    "/networks?filters=%7B",
  );
  assert.equal(r.status, 400);
  assert.deepEqual(r.json(), { message: "invalid filter: {" });
});

test("POST /networks/create answers 201 with Id and Warning, 400 for a non-object body", async () => {
  const b = fake();
  const inject = injector(networkRoutes(b));
  const r = await inject("POST", "/v1.50/networks/create", { Name: "n" });
  assert.equal(r.status, 201);
  assert.deepEqual(r.json(), { Id: "n1", Warning: "" });
  assert.deepEqual(b.calls[0], ["create", { Name: "n" }]);
  assert.equal((await inject("POST", "/networks/create", "3")).status, 400);
});

test("GET /networks/{id} answers 404 with the backend's message", async () => {
  const r = await injector(networkRoutes(fake()))("GET", "/networks/nope");
  assert.equal(r.status, 404);
  assert.deepEqual(r.json(), { message: "network nope not found" });
});

test("DELETE /networks/{id} answers 204, and 403 for a predefined network", async () => {
  const inject = injector(networkRoutes(fake()));
  const ok = await inject("DELETE", "/networks/n");
  assert.equal(ok.status, 204);
  assert.equal(ok.body, "");
  assert.equal((await inject("DELETE", "/networks/bridge")).status, 403);
});

test("connect needs a Container (400), answers 200; disconnect maps conflicts to 409", async () => {
  const b = fake();
  const inject = injector(networkRoutes(b));
  const none = await inject("POST", "/networks/n/connect", {});
  assert.equal(none.status, 400);
  assert.deepEqual(none.json(), { message: "no container specified" });
  const ok = await inject("POST", "/networks/n/connect", { Container: "c" });
  assert.equal(ok.status, 200);
  assert.deepEqual(b.calls.at(-1), ["connect", "n", { Container: "c" }]);
  const d = await inject("POST", "/networks/n/disconnect", { Container: "c" });
  assert.equal(d.status, 409);
});

test("POST /networks/prune passes filters and sends NetworksDeleted null", async () => {
  const b = fake();
  const r = await injector(networkRoutes(b))(
    "POST",
    `/networks/prune?filters=${encodeURIComponent('{"until":["24h"]}')}`,
  );
  assert.equal(r.status, 200);
  assert.deepEqual(r.json(), { NetworksDeleted: null });
  assert.deepEqual(b.calls[0], ["prune", { until: ["24h"] }]);
});
