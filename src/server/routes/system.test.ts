import { test } from "node:test";
import assert from "node:assert/strict";
import type { EventMessage } from "../../api/events.ts";
import { InvalidArgumentError } from "../../util/errors.ts";
import { injector } from "../testing.ts";
import { systemRoutes, type SystemBackend } from "./system.ts";

const event = (timeNano: number, name: string): EventMessage => ({
  Type: "container",
  Action: "start",
  Actor: { ID: "c1", Attributes: { name } },
  scope: "local",
  time: Math.floor(timeNano / 1e9),
  timeNano,
});

function fake(history: EventMessage[] = []): SystemBackend {
  return {
    version: () => ({ ApiVersion: "1.50" }),
    info: () => ({ Containers: 0 }),
    df: async (o) => ({ types: o.types, verbose: o.verbose }),
    eventHistory: () => history,
    subscribe: () => () => undefined,
    matchesEventFilters: (e, f) => {
      for (const k of Object.keys(f))
        if (k !== "container")
          throw new InvalidArgumentError(`invalid filter '${k}'`);
      return (
        !f.container || f.container.includes(e.Actor.Attributes.name ?? "")
      );
    },
  };
}

test("GET and HEAD /_ping answer OK with the headers the Docker CLI reads", async () => {
  const inject = injector(systemRoutes(fake()));
  const r = await inject("GET", "/_ping");
  assert.equal(r.status, 200);
  assert.equal(r.body, "OK");
  assert.equal(r.headers["api-version"], "1.50");
  assert.equal(r.headers["ostype"], "linux");
  const head = await inject("HEAD", "/v1.24/_ping");
  assert.equal(head.status, 200);
  assert.equal(head.body, "");
  assert.equal(head.headers["content-type"], "text/plain; charset=utf-8");
});

test("GET /version and /info answer the backend's JSON; an old prefix is 400", async () => {
  const inject = injector(systemRoutes(fake()));
  assert.deepEqual((await inject("GET", "/v1.50/version")).json(), {
    ApiVersion: "1.50",
  });
  assert.deepEqual((await inject("GET", "/info")).json(), { Containers: 0 });
  const old = await inject("GET", "/v1.11/version");
  assert.equal(old.status, 400);
  // compat: below 1.24 errors are text/plain, as dockerd answers old clients.
  assert.match(old.body, /too old/);
});

test("GET /events replays history between since and until, filtered, then ends", async () => {
  const history = [event(1e18, "a"), event(2e18, "b"), event(3e18, "a")];
  const r = await injector(systemRoutes(fake(history)))(
    "GET",
    `/events?since=1000000000&until=2500000000&filters=${encodeURIComponent('{"container":["b"]}')}`,
  );
  assert.equal(r.status, 200);
  assert.equal(r.headers["content-type"], "application/json");
  const lines = r.body
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as EventMessage);
  assert.deepEqual(
    lines.map((e) => e.Actor.Attributes.name),
    ["b"],
  );
});

test("GET /events answers 400 for an unknown filter or an unreadable since", async () => {
  const inject = injector(systemRoutes(fake()));
  const bad = await inject(
    "GET",
    `/events?until=1&filters=${encodeURIComponent('{"bogus":["x"]}')}`,
  );
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.json(), { message: "invalid filter 'bogus'" });
  const since = await inject("GET", "/events?since=yesterday&until=1");
  assert.equal(since.status, 400);
});

test("GET /system/df passes type and verbose, refuses an unknown type", async () => {
  const inject = injector(systemRoutes(fake()));
  const r = await inject("GET", "/system/df?type=image&type=volume&verbose=1");
  assert.deepEqual(r.json(), { types: ["image", "volume"], verbose: true });
  const bad = await inject("GET", "/system/df?type=bogus");
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.json(), { message: "unknown object type: bogus" });
});
