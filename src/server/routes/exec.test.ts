import { test } from "node:test";
import assert from "node:assert/strict";
import type { ExecInspect } from "../../api/containers.ts";
import { ConflictError, NotFoundError } from "../../util/errors.ts";
import { injector } from "../testing.ts";
import { execRoutes, type ExecBackend } from "./exec.ts";

function fake(): ExecBackend & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    calls,
    execCreate: async (ref, body) => {
      if (ref === "stopped")
        throw new ConflictError(`container ${ref} is not running`);
      calls.push(["create", ref, body]);
      return { Id: "e1" };
    },
    execStart: async (id, o, open) => {
      calls.push(["start", id, o]);
      if (o.detach) return;
      const out = open(!o.tty);
      out.end(Buffer.from([1, 0, 0, 0, 0, 0, 0, 3, 104, 105, 10]));
    },
    execInspect: async (id) => {
      if (id !== "e1") throw new NotFoundError(`No such exec instance: ${id}`);
      return { ID: "e1", Running: false, ExitCode: 0 } as ExecInspect;
    },
    execResize: async (id, o) => void calls.push(["resize", id, o]),
  };
}

test("POST /containers/{id}/exec answers 201 with Id, 409 when not running, 400 for a non-object", async () => {
  const b = fake();
  const inject = injector(execRoutes(b));
  const r = await inject("POST", "/v1.50/containers/web/exec", { Cmd: ["ls"] });
  assert.equal(r.status, 201);
  assert.deepEqual(r.json(), { Id: "e1" });
  assert.deepEqual(b.calls[0], ["create", "web", { Cmd: ["ls"] }]);
  assert.equal(
    (await inject("POST", "/containers/stopped/exec", { Cmd: ["ls"] })).status,
    409,
  );
  assert.equal((await inject("POST", "/containers/web/exec", "3")).status, 400);
});

test("POST /exec/{id}/start detached answers 200 with an empty body", async () => {
  const b = fake();
  const r = await injector(execRoutes(b))("POST", "/exec/e1/start", {
    Detach: true,
  });
  assert.equal(r.status, 200);
  assert.equal(r.body, "");
  assert.deepEqual(b.calls[0], [
    "start",
    "e1",
    { detach: true, tty: false, consoleSize: undefined },
  ]);
});

test("POST /exec/{id}/start passes ConsoleSize only with Tty from API 1.42; multiplexed-stream is announced from 1.42", async () => {
  const b = fake();
  const inject = injector(execRoutes(b));
  const size = { Detach: true, Tty: true, ConsoleSize: [30, 100] };
  await inject("POST", "/v1.42/exec/e1/start", size);
  await inject("POST", "/v1.41/exec/e1/start", size);
  await inject("POST", "/v1.50/exec/e1/start", { ...size, Tty: false });
  assert.deepEqual(
    b.calls.map((c) => (c[2] as { consoleSize?: unknown }).consoleSize),
    [[30, 100], undefined, undefined],
  );
  const old = await inject(
    "POST",
    "/v1.41/exec/e1/start",
    { Tty: false },
    { headers: { Connection: "Upgrade", Upgrade: "tcp" } },
  );
  assert.equal(
    old.headers["content-type"],
    "application/vnd.docker.raw-stream",
  );
  assert.equal(old.payload.subarray(8).toString(), "hi\n");
});

test("POST /exec/{id}/start attached upgrades and streams multiplexed frames", async () => {
  const r = await injector(execRoutes(fake()))(
    "POST",
    "/v1.50/exec/e1/start",
    { Detach: false, Tty: false },
    { headers: { Connection: "Upgrade", Upgrade: "tcp" } },
  );
  assert.equal(r.status, 101);
  assert.equal(
    r.headers["content-type"],
    "application/vnd.docker.multiplexed-stream",
  );
  assert.equal(r.payload.subarray(8).toString(), "hi\n");
});

test("GET /exec/{id}/json answers the record, 404 for an unknown exec", async () => {
  const inject = injector(execRoutes(fake()));
  const r = await inject("GET", "/exec/e1/json");
  assert.equal(r.status, 200);
  assert.equal((r.json() as ExecInspect).ID, "e1");
  const missing = await inject("GET", "/exec/e2/json");
  assert.equal(missing.status, 404);
  assert.deepEqual(missing.json(), { message: "No such exec instance: e2" });
});

test("POST /exec/{id}/resize passes h and w, answers 200; a bad number is 400", async () => {
  const b = fake();
  const inject = injector(execRoutes(b));
  assert.equal((await inject("POST", "/exec/e1/resize?h=24&w=80")).status, 200);
  assert.deepEqual(b.calls[0], ["resize", "e1", { h: 24, w: 80 }]);
  assert.equal((await inject("POST", "/exec/e1/resize?h=x")).status, 400);
});
