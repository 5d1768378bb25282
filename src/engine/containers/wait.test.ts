import { test } from "node:test";
import assert from "node:assert/strict";
import { fakeRecord } from "./fakes.ts";
import type { ContainerRecord } from "./record.ts";
import { wait } from "./wait.ts";
import { Waiters } from "./waiters.ts";

/** wait's deps over one record in the given state (exit code 3). */
function deps(status: ContainerRecord["state"]["status"], waiters: Waiters) {
  const r = fakeRecord(
    {},
    { state: { ...fakeRecord().state, status, exitCode: 3 } },
  );
  return { store: { resolve: () => r } as never, waiters };
}

test("wait not-running answers at once for an exited container and waits through a restart", async () => {
  const waiters = new Waiters();
  const exited = await wait(deps("exited", waiters), "c1", "not-running").then(
    (w) => w.done,
  );
  assert.deepEqual(exited, { StatusCode: 3, Error: null });
  let settled = false;
  const restarting = (
    await wait(deps("restarting", waiters), "c1", "not-running")
  ).done;
  void restarting.then(() => (settled = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(settled, false);
  waiters.exited("c1", 7);
  assert.deepEqual(await restarting, { StatusCode: 7, Error: null });
});
