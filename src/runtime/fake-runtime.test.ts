import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeRuntime } from "./fake-runtime.ts";
import { runtimeConformance } from "./testsuite.ts";
import type { OciSpec } from "./oci-spec.ts";

const spec = (args: string[]): OciSpec => ({
  ociVersion: "1.0.2",
  process: { user: { uid: 0, gid: 0 }, args, env: [], cwd: "/" },
  root: { path: "/nonexistent" },
  mounts: [],
  linux: { namespaces: [] },
});

runtimeConformance("fake", async () => ({
  runtime: new FakeRuntime(),
  bundle: async (id, args) => ({ bundle: `/fake/${id}`, spec: spec(args) }),
  cleanup: async () => undefined,
}));

test("FakeRuntime records calls and fails the verb named in failNext once", async () => {
  const r = new FakeRuntime();
  r.failNext = { method: "start", message: "boom" };
  await r.create("a", {
    bundle: "/b",
    spec: spec(["true"]),
    terminal: false,
    stdin: false,
    stdinOnce: false,
    logPath: "/b/log",
  });
  await assert.rejects(r.start("a"), /boom/);
  await r.start("a");
  assert.deepEqual(
    r.calls.map((c) => c.method),
    ["create", "start", "start"],
  );
});
