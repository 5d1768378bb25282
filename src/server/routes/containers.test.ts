import { test } from "node:test";
import assert from "node:assert/strict";
import { injectOnce as call } from "../testing.ts";
import { containerRoutes, type ContainersBackend } from "./containers.ts";
import {
  ConflictError,
  NotFoundError,
  NotModifiedError,
} from "../../util/errors.ts";

function backend(
  over: Partial<ContainersBackend> = {},
): ContainersBackend & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  const rec =
    (name: string) =>
    async (...args: unknown[]) =>
      void calls.push([name, ...args]);
  return {
    calls,
    list: async (o) => (calls.push(["list", o]), []),
    create: async (body, o) => (
      calls.push(["create", body, o]),
      { Id: "abc", Warnings: [] }
    ),
    inspect: async (ref) => {
      throw new NotFoundError(`No such container: ${ref}`);
    },
    top: async () => ({ Titles: ["PID"], Processes: [["1"]] }),
    stats: async (ref, o) => {
      calls.push(["stats", ref, { stream: o.stream, oneShot: o.oneShot }]);
      return (async function* () {
        yield* [1, 2].map((n) => ({ n }) as never);
      })();
    },
    logs: async () => ({
      tty: false,
      write: async (out) =>
        out.write(Buffer.from([1, 0, 0, 0, 0, 0, 0, 2, 104, 10])),
    }),
    resize: rec("resize"),
    start: rec("start"),
    stop: rec("stop"),
    restart: rec("restart"),
    kill: rec("kill"),
    rename: rec("rename"),
    pause: rec("pause"),
    unpause: rec("unpause"),
    attach: rec("attach"),
    wait: async () => ({
      done: Promise.resolve({ StatusCode: 3, Error: null }),
    }),
    remove: rec("remove"),
    removeLink: rec("removeLink"),
    prune: async () => ({ ContainersDeleted: null, SpaceReclaimed: 0 }),
    update: async (ref, body) => (
      calls.push(["update", ref, body]),
      { Warnings: null }
    ),
    ...over,
  };
}

test("POST /containers/create answers 201 with Id and Warnings and passes the name", async () => {
  const b = backend();
  const r = await call(
    containerRoutes(b),
    "POST",
    "/v1.50/containers/create?name=web",
    '{"Image":"busybox"}',
  );
  assert.equal(r.status, 201);
  assert.deepEqual(JSON.parse(r.body), { Id: "abc", Warnings: [] });
  assert.deepEqual(b.calls[0], [
    "create",
    { Image: "busybox" },
    { name: "web" },
  ]);
});

test("GET /containers/json parses all, limit and filters", async () => {
  const b = backend();
  const r = await call(
    containerRoutes(b),
    "GET",
    `/containers/json?all=1&limit=2&filters=${encodeURIComponent('{"status":["exited"]}')}`,
  );
  assert.equal(r.status, 200);
  assert.equal(r.body.trim(), "[]");
  assert.deepEqual(b.calls[0], [
    "list",
    { all: true, limit: 2, size: false, filters: { status: ["exited"] } },
  ]);
});

test("GET /containers/{id}/json answers 404 with Docker's message", async () => {
  const r = await call(
    containerRoutes(backend()),
    "GET",
    "/containers/nope/json",
  );
  assert.equal(r.status, 404);
  assert.equal(JSON.parse(r.body).message, "No such container: nope");
});

test("start answers 204, and 304 when the backend says it is already running", async () => {
  assert.equal(
    (await call(containerRoutes(backend()), "POST", "/containers/x/start"))
      .status,
    204,
  );
  const b = backend({
    start: async () => {
      throw new NotModifiedError("container already started");
    },
  });
  assert.equal(
    (await call(containerRoutes(b), "POST", "/containers/x/start")).status,
    304,
  );
});

test("stop passes t and signal; kill answers 409 for a stopped container", async () => {
  const b = backend();
  assert.equal(
    (
      await call(
        containerRoutes(b),
        "POST",
        "/containers/x/stop?t=3&signal=SIGINT",
      )
    ).status,
    204,
  );
  assert.deepEqual(b.calls[0], ["stop", "x", { timeout: 3, signal: "SIGINT" }]);
  const k = backend({
    kill: async () => {
      throw new ConflictError("Container x is not running");
    },
  });
  assert.equal(
    (await call(containerRoutes(k), "POST", "/containers/x/kill")).status,
    409,
  );
});

test("wait streams {StatusCode, Error} as JSON and refuses unknown conditions", async () => {
  const r = await call(
    containerRoutes(backend()),
    "POST",
    "/containers/x/wait?condition=next-exit",
  );
  assert.equal(r.status, 200);
  assert.deepEqual(JSON.parse(r.body), { StatusCode: 3, Error: null });
  assert.equal(
    (
      await call(
        containerRoutes(backend()),
        "POST",
        "/containers/x/wait?condition=bogus",
      )
    ).status,
    400,
  );
});

test("DELETE /containers/{id} passes force and v, answers 204", async () => {
  const b = backend();
  assert.equal(
    (await call(containerRoutes(b), "DELETE", "/containers/x?force=1&v=1"))
      .status,
    204,
  );
  assert.deepEqual(b.calls[0], ["remove", "x", { force: true, volumes: true }]);
});

test("DELETE /containers/{parent}/{alias}?link=1 routes a link's name (with its slash) to removeLink", async () => {
  const b = backend();
  assert.equal(
    (await call(containerRoutes(b), "DELETE", "/containers/web/db?link=1"))
      .status,
    204,
  );
  assert.deepEqual(b.calls[0]?.slice(0, 2), ["removeLink", "web/db"]);
});

test("logs stream with the multiplexed content type for a non-tty container", async () => {
  const r = await call(
    containerRoutes(backend()),
    "GET",
    "/containers/x/logs?stdout=1&tail=10",
  );
  assert.equal(r.status, 200);
  assert.equal(
    r.headers["content-type"],
    "application/vnd.docker.multiplexed-stream",
  );
  assert.equal(r.body.slice(8), "h\n");
});

test("POST /containers/{id}/update passes the body and answers 200 with Warnings", async () => {
  const b = backend();
  const r = await call(
    containerRoutes(b),
    "POST",
    "/v1.50/containers/web/update",
    '{"Memory":67108864,"RestartPolicy":{"Name":"always"}}',
  );
  assert.equal(r.status, 200);
  assert.deepEqual(JSON.parse(r.body), { Warnings: null });
  assert.deepEqual(b.calls[0], [
    "update",
    "web",
    { Memory: 67108864, RestartPolicy: { Name: "always" } },
  ]);
});

test("GET /containers/{id}/stats streams JSON lines; stream and one-shot pass through", async () => {
  const b = backend();
  const r = await call(containerRoutes(b), "GET", "/v1.50/containers/x/stats");
  assert.equal(r.status, 200);
  assert.equal(r.body, '{"n":1}\n{"n":2}\n');
  await call(
    containerRoutes(b),
    "GET",
    "/v1.50/containers/x/stats?stream=false&one-shot=true",
  );
  // compat: API 1.40 has no one-shot.
  await call(
    containerRoutes(b),
    "GET",
    "/v1.40/containers/x/stats?stream=0&one-shot=1",
  );
  assert.deepEqual(b.calls, [
    ["stats", "x", { stream: true, oneShot: false }],
    ["stats", "x", { stream: false, oneShot: true }],
    ["stats", "x", { stream: false, oneShot: false }],
  ]);
});

test("GET /containers/{id}/stats refuses stream with one-shot (400) and answers 404 for an unknown container", async () => {
  const bad = await call(
    containerRoutes(backend()),
    "GET",
    "/v1.50/containers/x/stats?one-shot=1",
  );
  assert.equal(bad.status, 400);
  assert.equal(
    JSON.parse(bad.body).message,
    "cannot have stream=true and one-shot=true",
  );
  const missing = await call(
    containerRoutes(
      backend({
        stats: async (ref) => {
          throw new NotFoundError(`No such container: ${ref}`);
        },
      }),
    ),
    "GET",
    "/v1.50/containers/nope/stats",
  );
  assert.equal(missing.status, 404);
});
