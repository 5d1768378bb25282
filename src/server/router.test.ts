import { test } from "node:test";
import assert from "node:assert/strict";
import { Router } from "./router.ts";
import { InvalidArgumentError, NotFoundError } from "../util/errors.ts";

const noop = async (): Promise<void> => {};

test("match() strips the /v1.NN prefix and reports the version", () => {
  const r = new Router();
  r.add([{ method: "GET", path: "/containers/{id}/json", handler: noop }]);
  const m = r.match("GET", "/v1.41/containers/abc/json");
  assert.equal(m.version, "1.41");
  assert.deepEqual(m.params, { id: "abc" });
});

test("match() keeps slashes in greedy parameters such as image names", () => {
  const r = new Router();
  r.add([{ method: "GET", path: "/images/{name*}/json", handler: noop }]);
  assert.deepEqual(r.match("GET", "/images/localhost:5000/a/b:1/json").params, {
    name: "localhost:5000/a/b:1",
  });
});

test("match() refuses versions outside 1.12..1.50 with Docker's wording", () => {
  const r = new Router();
  r.add([{ method: "GET", path: "/info", handler: noop }]);
  assert.equal(r.match("GET", "/v1.12/info").version, "1.12");
  assert.throws(
    () => r.match("GET", "/v1.11/info"),
    (e: unknown) =>
      e instanceof InvalidArgumentError && /too old/.test(e.message),
  );
  assert.throws(() => r.match("GET", "/v1.99/info"), /too new/);
});

test("match() answers unknown paths with page not found", () => {
  const r = new Router();
  assert.throws(
    () => r.match("GET", "/nope"),
    (e: unknown) =>
      e instanceof NotFoundError && e.message === "page not found",
  );
});

test("match() lets HEAD use a GET route", () => {
  const r = new Router();
  r.add([{ method: "GET", path: "/_ping", handler: noop }]);
  assert.ok(r.match("HEAD", "/_ping"));
});
