import { test } from "node:test";
import assert from "node:assert/strict";
import type { HostConfig } from "../../api/containers.ts";
import { waitVerb } from "./lifecycle.ts";
import type { Parts } from "./parts.ts";
import { createdState, type ContainerRecord } from "./record.ts";
import { Waiters } from "./waiters.ts";

function record(status: ContainerRecord["state"]["status"]): ContainerRecord {
  return {
    schema: 1,
    id: "c1",
    name: "/web",
    created: "2026-01-01T00:00:00Z",
    imageId: "sha256:x",
    path: "sh",
    args: [],
    config: {} as ContainerRecord["config"],
    hostConfig: {} as HostConfig,
    state: { ...createdState(), status, exitCode: 3 },
    restartCount: 0,
    stoppedByUser: false,
  };
}

test("wait not-running answers at once for an exited container and waits through a restart", async () => {
  const waiters = new Waiters();
  const p = { waiters } as unknown as Parts;
  const exited = await waitVerb(p, record("exited"), "not-running").done;
  assert.deepEqual(exited, { StatusCode: 3, Error: null });
  let settled = false;
  const restarting = waitVerb(p, record("restarting"), "not-running").done;
  void restarting.then(() => (settled = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(settled, false);
  waiters.exited("c1", 7);
  assert.deepEqual(await restarting, { StatusCode: 7, Error: null });
});
