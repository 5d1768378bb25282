import { afterEach, mock, test } from "node:test";
import assert from "node:assert/strict";
import { KeyedLock } from "../../util/lock.ts";
import { Logger } from "../../util/log.ts";
import { fakeRecord } from "./fakes.ts";
import type { ContainerRecord } from "./record.ts";
import {
  RestartSupervisor,
  nextBackoff,
  restartOnBoot,
  shouldRestart,
  validateRestartPolicy,
} from "./restart-policy.ts";

afterEach(() => mock.timers.reset());

const policy = (Name: string, MaximumRetryCount = 0) => ({
  Name,
  MaximumRetryCount,
});

function record(p = policy("always")): ContainerRecord {
  return fakeRecord({ RestartPolicy: p });
}

function exited(r: ContainerRecord, code: number, ranMs = 50): void {
  const start = Date.parse("2026-01-01T00:00:00Z");
  r.state = {
    ...r.state,
    status: "exited",
    exitCode: code,
    startedAt: new Date(start).toISOString(),
    finishedAt: new Date(start + ranMs).toISOString(),
  };
}

function fakeCore(r: ContainerRecord): {
  core: ConstructorParameters<typeof RestartSupervisor>[0];
  saves: string[];
} {
  const saves: string[] = [];
  const core = {
    store: {
      get: (id: string) => (id === r.id ? r : undefined),
      save: async (x: ContainerRecord) => void saves.push(x.state.status),
    },
    lock: new KeyedLock(),
    log: new Logger("error"),
  } as unknown as ConstructorParameters<typeof RestartSupervisor>[0];
  return { core, saves };
}

const settle = () => new Promise((ok) => setImmediate(ok));

test("nextBackoff doubles from 100 ms, caps at one minute and resets after 10 s of running", () => {
  const seq: number[] = [];
  let t = 0;
  for (let i = 0; i < 12; i++) seq.push((t = nextBackoff(t, 10)));
  assert.deepEqual(
    seq,
    [100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 51200, 60000, 60000],
  );
  assert.equal(nextBackoff(60000, 10_000), 100);
  assert.equal(nextBackoff(800, 9_999), 1600);
});

test("shouldRestart follows each policy and never restarts after the user's stop", () => {
  const exit = (code: number, restartCount = 0, stoppedByUser = false) => ({
    exitCode: code,
    restartCount,
    stoppedByUser,
  });
  assert.equal(shouldRestart(policy("no"), exit(1)), false);
  assert.equal(shouldRestart(policy(""), exit(1)), false);
  assert.equal(shouldRestart(policy("always"), exit(0)), true);
  assert.equal(shouldRestart(policy("unless-stopped"), exit(0)), true);
  assert.equal(shouldRestart(policy("on-failure"), exit(0)), false);
  assert.equal(shouldRestart(policy("on-failure"), exit(3, 99)), true);
  assert.equal(shouldRestart(policy("on-failure", 2), exit(3, 1)), true);
  assert.equal(shouldRestart(policy("on-failure", 2), exit(3, 2)), false);
  for (const name of ["always", "unless-stopped", "on-failure"])
    assert.equal(shouldRestart(policy(name), exit(137, 0, true)), false);
});

test("restartOnBoot starts always even after a user stop, unless-stopped only without one", () => {
  const r = record(policy("always"));
  assert.equal(restartOnBoot(r), false, "never started: stays created");
  exited(r, 0);
  r.stoppedByUser = true;
  assert.equal(restartOnBoot(r), true);
  r.hostConfig.RestartPolicy = policy("unless-stopped");
  assert.equal(restartOnBoot(r), false);
  r.stoppedByUser = false;
  assert.equal(restartOnBoot(r), true);
  r.hostConfig.RestartPolicy = policy("on-failure");
  assert.equal(restartOnBoot(r), false, "exit 0 is no failure");
  r.hostConfig.RestartPolicy = policy("no");
  r.state.status = "restarting";
  assert.equal(restartOnBoot(r), true, "a pending restart completes");
});

test("validateRestartPolicy answers with moby's wording", () => {
  for (const ok of [
    policy("no"),
    policy(""),
    policy("always"),
    policy("unless-stopped"),
    policy("on-failure", 5),
  ])
    validateRestartPolicy(ok);
  assert.throws(
    () => validateRestartPolicy(policy("sometimes")),
    /^InvalidArgumentError: invalid restart policy: unknown policy 'sometimes'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'$/,
  );
  assert.throws(
    () => validateRestartPolicy(policy("always", 3)),
    /maximum retry count can only be used with 'on-failure'$/,
  );
  assert.throws(
    () => validateRestartPolicy(policy("always", -1)),
    /can only be used with 'on-failure' and cannot be negative$/,
  );
  assert.throws(
    () => validateRestartPolicy(policy("on-failure", -1)),
    /invalid restart policy: maximum retry count cannot be negative/,
  );
});

test("afterExit marks the container restarting, counts it and starts it after the backoff", async () => {
  mock.timers.enable({ apis: ["setTimeout"] });
  const r = record(policy("always"));
  exited(r, 1);
  const { core, saves } = fakeCore(r);
  const started: string[] = [];
  const sup = new RestartSupervisor(core, async (x) => {
    started.push(x.id);
    x.state.status = "running";
  });
  assert.equal(await sup.afterExit(r), true);
  assert.equal(r.state.status, "restarting");
  assert.equal(r.restartCount, 1);
  assert.deepEqual(saves, ["restarting"]);
  mock.timers.tick(99);
  await settle();
  assert.deepEqual(started, []);
  mock.timers.tick(1);
  await settle();
  assert.deepEqual(started, ["c1"]);
  // The second quick exit waits twice as long.
  exited(r, 1);
  await sup.afterExit(r);
  mock.timers.tick(199);
  await settle();
  assert.equal(started.length, 1);
  mock.timers.tick(1);
  await settle();
  assert.equal(started.length, 2);
});

test("cancel() of a restarting container leaves it exited and the timer does nothing", async () => {
  mock.timers.enable({ apis: ["setTimeout"] });
  const r = record(policy("on-failure", 3));
  exited(r, 2);
  const { core } = fakeCore(r);
  let starts = 0;
  const sup = new RestartSupervisor(core, async () => void starts++);
  await sup.afterExit(r);
  assert.equal(await sup.cancel(r), true);
  assert.equal(r.state.status, "exited");
  assert.equal(r.stoppedByUser, true);
  mock.timers.tick(1000);
  await settle();
  assert.equal(starts, 0);
  assert.equal(await sup.cancel(r), false, "nothing pending any more");
});

test("on-failure stops restarting after MaximumRetryCount and a failed restart leaves it exited", async () => {
  mock.timers.enable({ apis: ["setTimeout"] });
  const r = record(policy("on-failure", 2));
  const { core } = fakeCore(r);
  const sup = new RestartSupervisor(core, async () => {
    throw new Error("boom");
  });
  exited(r, 3);
  assert.equal(await sup.afterExit(r), true);
  mock.timers.tick(100);
  await settle();
  await settle();
  assert.equal(r.state.status, "exited", "failed start: stopped");
  assert.equal(await sup.afterExit(r), true);
  exited(r, 3);
  assert.equal(r.restartCount, 2);
  assert.equal(await sup.afterExit(r), false);
  assert.equal(r.state.status, "exited");
});
