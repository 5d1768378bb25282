import { test } from "node:test";
import assert from "node:assert/strict";
import type { HostConfig } from "../../api/containers.ts";
import { checkUpdateBody, mergeUpdate, updateResources } from "./update.ts";
import { defaultHostConfig } from "./create.ts";

const MB = 1024 * 1024;
const o = { id: "c1", swapSupported: true };

test("checkUpdateBody refuses bad values with Docker's wording", () => {
  assert.throws(
    () => checkUpdateBody({ Memory: MB }),
    /^InvalidArgumentError: Minimum memory limit allowed is 6MB$/,
  );
  assert.throws(
    () => checkUpdateBody({ Memory: 64 * MB, MemorySwap: 32 * MB }),
    /Minimum memoryswap limit should be larger than memory limit, see usage/,
  );
  assert.throws(
    () => checkUpdateBody({ BlkioWeight: 5 }),
    /Range of blkio weight is from 10 to 1000/,
  );
  assert.throws(
    () => checkUpdateBody({ RestartPolicy: { Name: "bogus" } }),
    /unknown policy 'bogus'/,
  );
  assert.throws(
    () => checkUpdateBody({ OomKillDisable: true }),
    /^NotImplementedError: not implemented: docker update of OomKillDisable$/,
  );
  assert.throws(
    () => checkUpdateBody({ Memory: 64 * MB, MemoryReservation: 128 * MB }),
    /Minimum memory limit can not be less than memory reservation limit/,
  );
  // The CLI sends every resource field, most of them zero: that is fine.
  checkUpdateBody({ MemoryReservation: 0, Devices: [], KernelMemory: 0 });
});

test("mergeUpdate replaces only what the body sets", () => {
  const hc = defaultHostConfig({ CpuShares: 512, Memory: 64 * MB });
  hc.MemorySwap = 128 * MB;
  const next = mergeUpdate(
    hc,
    { CpuShares: 0, Memory: 100 * MB, RestartPolicy: { Name: "always" } },
    o,
  );
  assert.equal(next.CpuShares, 512);
  assert.equal(next.Memory, 100 * MB);
  assert.deepEqual(next.RestartPolicy, {
    Name: "always",
    MaximumRetryCount: 0,
  });
  assert.equal(hc.Memory, 64 * MB, "the input is not changed");
});

test("mergeUpdate refuses conflicting updates as moby does (409)", () => {
  const hc = defaultHostConfig({});
  assert.throws(
    () => mergeUpdate(hc, { Memory: 64 * MB }, o),
    /^ConflictError: Cannot update container c1: Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time$/,
  );
  assert.equal(
    mergeUpdate(hc, { Memory: 64 * MB, MemorySwap: -1 }, o).MemorySwap,
    -1,
  );
  const nano = { ...hc, NanoCpus: 5e8 } as HostConfig;
  assert.throws(
    () => mergeUpdate(nano, { CpuQuota: 50000 }, o),
    /CPU Quota cannot be updated as NanoCPUs has already been set/,
  );
  const rm = defaultHostConfig({ AutoRemove: true });
  assert.throws(
    () => mergeUpdate(rm, { RestartPolicy: { Name: "always" } }, o),
    /Restart policy cannot be updated because AutoRemove is enabled for the container/,
  );
});

test("updateResources turns a HostConfig into the runtime's limits", () => {
  const hc = defaultHostConfig({ Memory: 64 * MB, PidsLimit: 50 });
  Object.assign(hc, {
    MemorySwap: -1,
    NanoCpus: 5e8,
    BlkioWeight: 300,
    MemoryReservation: 32 * MB,
  });
  assert.deepEqual(updateResources(hc), {
    memory: { limit: 64 * MB, swap: -1, reservation: 32 * MB },
    cpu: { period: 100000, quota: 50000 },
    pids: { limit: 50 },
    blockIO: { weight: 300 },
  });
  assert.deepEqual(updateResources(defaultHostConfig({})), {});
});
