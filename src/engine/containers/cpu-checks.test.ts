import { test } from "node:test";
import assert from "node:assert/strict";
import { checkCpuResources, parseUintList } from "./cpu-checks.ts";

const host = { cpus: () => "0-1", mems: () => "0" };
const check = (r: Parameters<typeof checkCpuResources>[0]) => () =>
  checkCpuResources(r, { cpus: 2, cpuset: host });

test("checkCpuResources() refuses what dockerd 28 refuses, with its texts", () => {
  const cases: [Parameters<typeof checkCpuResources>[0], string][] = [
    [
      { NanoCpus: 5e8, CpuPeriod: 50000 },
      "Conflicting options: Nano CPUs and CPU Period cannot both be set",
    ],
    [
      { NanoCpus: 5e8, CpuQuota: 50000 },
      "Conflicting options: Nano CPUs and CPU Quota cannot both be set",
    ],
    [
      { NanoCpus: 3e9 },
      "range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available",
    ],
    [
      { CpuPeriod: 500 },
      "CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)",
    ],
    [
      { CpuPeriod: 2_000_000 },
      "CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)",
    ],
    [{ CpuQuota: 500 }, "CPU cfs quota can not be less than 1ms (i.e. 1000)"],
    [
      { CpusetCpus: "7" },
      "Requested CPUs are not available - requested 7, available: 0-1",
    ],
    [
      { CpusetMems: "3" },
      "Requested memory nodes are not available - requested 3, available: 0",
    ],
    [{ CpusetCpus: "x" }, "Invalid value x for cpuset cpus: invalid format: x"],
    [
      { CpusetCpus: "0-99999999999" },
      "Requested CPUs are not available - requested 0-99999999999, available: 0-1",
    ],
  ];
  for (const [r, text] of cases)
    assert.throws(check(r), { message: text }, JSON.stringify(r));
  for (const ok of [
    { CpuQuota: -1 },
    { NanoCpus: 1e9 },
    { CpuPeriod: 100000, CpuQuota: 50000 },
    { CpusetCpus: "0,1", CpusetMems: "0" },
    {},
  ])
    check(ok)();
});

test("parseUintList() reads moby's list format and names the whole list when it cannot", () => {
  assert.deepEqual(parseUintList("0-2,4"), [
    [0, 2],
    [4, 4],
  ]);
  assert.deepEqual(parseUintList(""), []);
  for (const bad of ["2-1", "1-2-3", "a", "1,,2"])
    assert.throws(() => parseUintList(bad), {
      message: `invalid format: ${bad}`,
    });
});
