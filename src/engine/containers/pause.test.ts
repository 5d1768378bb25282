import { afterEach, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventBus } from "../events/index.ts";
import { FakeRuntime } from "../../runtime/fake-runtime.ts";
import { ConflictError } from "../../util/errors.ts";
import { KeyedLock } from "../../util/lock.ts";
import type { Probes } from "./deps.ts";
import { fakeRecord } from "./fakes.ts";
import { pause, unpause, type PauseDeps } from "./pause.ts";
import { ContainerStore } from "./store.ts";

// pause and unpause get only what PauseDeps names: no images, networking,
// mounts, seccomp or log drivers.
let dir: string;
let d: PauseDeps & { runtime: FakeRuntime };
let probes: string[];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wharf-pause-"));
  const store = new ContainerStore(dir);
  await store.load();
  probes = [];
  const fake: Probes = {
    started: () => probes.push("started"),
    stopped: () => probes.push("stopped"),
    resume: () => probes.push("resume"),
    close: () => undefined,
  };
  d = {
    store,
    lock: new KeyedLock(),
    events: new EventBus(),
    runtime: new FakeRuntime(),
    probes: fake,
  };
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** A record saved as running, with its process made in the fake runtime. */
async function running(name = "/web"): Promise<string> {
  const r = fakeRecord({}, { id: "a".repeat(64), name });
  const { pid } = await d.runtime.create(r.id, {
    bundle: join(dir, "bundle"),
    spec: {} as never,
    terminal: false,
    stdin: false,
    stdinOnce: false,
    logPath: "/dev/null",
    name: "web",
  });
  await d.runtime.start(r.id);
  r.state = { ...r.state, status: "running", pid };
  await mkdir(d.store.dirOf(r.id), { recursive: true });
  await d.store.save(r);
  return r.id;
}

const actions = () => d.events.history().map((e) => e.Action);

test("pause freezes through the runtime, stops the probes, saves paused and publishes pause; unpause undoes it", async () => {
  const id = await running();
  await pause(d, "web");
  assert.equal(d.store.get(id)!.state.status, "paused");
  assert.deepEqual(
    d.runtime.calls.map((c) => c.method),
    ["create", "start", "pause"],
  );
  await unpause(d, id.slice(0, 12));
  assert.equal(d.store.get(id)!.state.status, "running");
  assert.deepEqual(probes, ["stopped", "resume"]);
  assert.deepEqual(actions(), ["pause", "unpause"]);
});

test("pause of a stopped container and unpause of a running one are conflicts that change nothing", async () => {
  const r = fakeRecord({}, { id: "b".repeat(64) });
  await mkdir(d.store.dirOf(r.id), { recursive: true });
  await d.store.save(r);
  await assert.rejects(pause(d, "web"), ConflictError);
  await running("/db");
  await assert.rejects(unpause(d, "db"), ConflictError);
  assert.deepEqual(
    d.runtime.calls.map((c) => c.method),
    ["create", "start"],
  );
  assert.deepEqual(actions(), []);
  assert.deepEqual(probes, []);
});
