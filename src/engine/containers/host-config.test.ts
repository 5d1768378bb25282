import { test } from "node:test";
import assert from "node:assert/strict";
import type { HostConfig } from "../../api/containers.ts";
import { SeccompFilters } from "../../security/index.ts";
import { NotImplementedError } from "../../util/errors.ts";
import { defaultHostConfig } from "./create.ts";
import { devNumbers, parseDeviceCgroupRule } from "./devices.ts";
import { checkHostConfig } from "./host-config-checks.ts";
import { fakeRecord } from "./fakes.ts";
import type { ContainerRecord } from "./record.ts";
import { buildSpec, cgroupsPath } from "./spec.ts";
import { resources } from "./spec-linux.ts";

/** What `docker create busybox true` (CLI 28) sends in HostConfig. */
const CLI_DEFAULTS: Partial<HostConfig> = {
  BlkioDeviceReadBps: [],
  BlkioDeviceReadIOps: [],
  BlkioDeviceWriteBps: [],
  BlkioDeviceWriteIOps: [],
  BlkioWeight: 0,
  BlkioWeightDevice: [],
  Cgroup: "",
  CgroupParent: "",
  CgroupnsMode: "",
  ContainerIDFile: "",
  CpuCount: 0,
  CpuPercent: 0,
  CpuRealtimePeriod: 0,
  CpuRealtimeRuntime: 0,
  DeviceCgroupRules: null,
  DeviceRequests: null,
  Devices: [],
  GroupAdd: null,
  IOMaximumBandwidth: 0,
  IOMaximumIOps: 0,
  IpcMode: "",
  Isolation: "",
  LogConfig: { Config: {}, Type: "" },
  MemoryReservation: 0,
  MemorySwap: 0,
  MemorySwappiness: -1,
  OomKillDisable: false,
  OomScoreAdj: 0,
  PidMode: "",
  PidsLimit: 0,
  UTSMode: "",
  UsernsMode: "",
  VolumeDriver: "",
};

const all = { runtime: "crun", exists: () => true };

function check(extra: Record<string, unknown>, body = {}): string[] {
  const hc = defaultHostConfig({ ...CLI_DEFAULTS, ...extra });
  return checkHostConfig(hc, { Image: "x", ...body }, all);
}

test("checkHostConfig() accepts everything the Docker CLI sends by default", () => {
  assert.deepEqual(check({}), []);
});

test("checkHostConfig() leaves --pid/--ipc container:<ref> to start, where the donor must run", () => {
  assert.deepEqual(
    check({ PidMode: "container:web", IpcMode: "container:web" }),
    [],
  );
});

test("checkHostConfig() refuses fields wharf does not build with 501", () => {
  for (const [extra, re] of [
    [{ StorageOpt: { size: "1G" } }, /--storage-opt/],
    [{ DeviceRequests: [{ Count: -1 }] }, /--gpus/],
    [{ Cgroup: "container:x" }, /HostConfig.Cgroup/],
    [{ CpuCount: 2 }, /--cpu-count/],
    [{ LogConfig: { Type: "gelf", Config: {} } }, /logging driver "gelf"/],
  ] as const)
    assert.throws(
      () => check(extra),
      (e: unknown) => e instanceof NotImplementedError && re.test(e.message),
      JSON.stringify(extra),
    );
  assert.throws(
    () => check({}, { NetworkDisabled: true }),
    NotImplementedError,
  );
});

test("checkHostConfig() answers bad values with moby's 400 text", () => {
  for (const [extra, msg] of [
    [{ OomScoreAdj: 1001 }, "range for oom score adj is [-1000, 1000]"],
    [{ MemoryReservation: 1024 }, "Minimum memory reservation allowed is 6MB"],
    [
      { Memory: 10 << 20, MemoryReservation: 20 << 20 },
      "Minimum memory limit can not be less than memory reservation limit",
    ],
    [{ MemorySwap: 20 << 20 }, "You should always set the Memory limit"],
    [{ MemorySwappiness: 101 }, "valid memory swappiness range is 0-100"],
    [{ Isolation: "hyperv" }, "invalid isolation 'hyperv' on linux"],
    [{ PidMode: "container:" }, "invalid PID mode: container:"],
    [{ IpcMode: "container:" }, "invalid IPC mode: container:"],
    [{ IpcMode: "bogus" }, "invalid IPC mode: bogus"],
    [{ Runtime: "kata" }, "Unknown runtime specified kata"],
    [{ LogConfig: { Type: "bogus" } }, "no log driver named 'bogus'"],
    [
      { LogConfig: { Type: "json-file", Config: { x: "1" } } },
      "unknown log opt 'x' for json-file log driver",
    ],
    [
      { LogConfig: { Type: "syslog", Config: { "syslog-format": "x" } } },
      "Invalid syslog format",
    ],
    [{ IOMaximumIOps: 5 }, "Invalid QoS settings"],
    [{ DeviceCgroupRules: ["x 1:2 rwm"] }, "invalid device cgroup rule format"],
    [
      { Devices: [{ PathOnHost: "/dev/null", CgroupPermissions: "rwx" }] },
      "invalid device mode: rwx",
    ],
    [
      { CpuRealtimePeriod: 1000, CpuRealtimeRuntime: 2000 },
      "cpu real-time runtime cannot be higher",
    ],
  ] as const)
    assert.throws(() => check(extra), { message: new RegExp(escape(msg)) });
});

test("checkHostConfig() drops what the kernel cannot apply, with moby's warnings", () => {
  const hc = defaultHostConfig({
    ...CLI_DEFAULTS,
    BlkioWeight: 300,
    Memory: 10 << 20,
    MemorySwap: 20 << 20,
  });
  const warnings = checkHostConfig(
    hc,
    { Image: "x" },
    {
      runtime: "crun",
      exists: () => false,
    },
  );
  assert.equal(warnings.length, 2);
  assert.equal(hc.BlkioWeight, 0);
  assert.equal(hc.MemorySwap, -1);
  assert.deepEqual(check({ Runtime: "crun", OomKillDisable: true }).length, 1);
});

function record(hc: Partial<HostConfig>, config = {}): ContainerRecord {
  return fakeRecord(defaultHostConfig({ ...CLI_DEFAULTS, ...hc }), {
    id: "c".repeat(64),
    name: "/c",
    config: {
      Hostname: "h",
      Env: null,
      ...config,
    } as ContainerRecord["config"],
  });
}

test("resources() applies memory, cpu and blkio fields to the cgroup", () => {
  const r = record({
    Memory: 64 << 20,
    MemorySwap: 128 << 20,
    MemoryReservation: 32 << 20,
    MemorySwappiness: 10,
    OomKillDisable: true,
    CpuRealtimePeriod: 1000,
    CpuRealtimeRuntime: 500,
    CpusetMems: "0",
    BlkioWeight: 200,
    DeviceCgroupRules: ["c 42:* rmw"],
  });
  const res = resources(r, {
    nodes: [],
    rules: [parseDeviceCgroupRule("c 42:* rmw")],
    blockIO: { throttleReadBpsDevice: [{ major: 8, minor: 0, rate: 1024 }] },
  });
  assert.deepEqual(res.memory, {
    limit: 64 << 20,
    swap: 128 << 20,
    reservation: 32 << 20,
    swappiness: 10,
    disableOOMKiller: true,
  });
  assert.equal(res.cpu?.realtimePeriod, 1000);
  assert.equal(res.cpu?.realtimeRuntime, 500);
  assert.equal(res.cpu?.mems, "0");
  assert.deepEqual(res.blockIO, {
    weight: 200,
    throttleReadBpsDevice: [{ major: 8, minor: 0, rate: 1024 }],
  });
  assert.deepEqual(res.devices?.at(-1), {
    allow: true,
    type: "c",
    major: 42,
    access: "rmw",
  });
  // The CLI's defaults (swappiness -1, OOM killer on) set nothing.
  assert.equal(resources(record({})).memory, undefined);
});

/** buildSpec's inputs for a root process in /r without seccomp; `over` adds or replaces. */
function specInputs(
  over: Partial<Parameters<typeof buildSpec>[1]>,
): Parameters<typeof buildSpec>[1] {
  return {
    rootfs: "/r",
    hostnamePath: "/h",
    hostsPath: "/hs",
    resolvConfPath: "/rc",
    netns: undefined,
    initBinary: undefined,
    user: { uid: 0, gid: 0, additionalGids: [] },
    seccomp: {
      forContainer: () => ({ kind: "none" }),
    } as unknown as SeccompFilters,
    ...over,
  };
}

test("buildSpec() sets oom score, devices, annotations, cgroup parent, domain name and namespaces", () => {
  const r = record(
    {
      OomScoreAdj: -500,
      CgroupParent: "/mine/../tenants",
      Annotations: { "org.example": "1" },
      CgroupnsMode: "private",
      IpcMode: "none",
    },
    { Domainname: "example.org" },
  );
  const node = { path: "/dev/xnull", type: "c", major: 1, minor: 3 };
  const { spec } = buildSpec(
    r,
    specInputs({ devices: { nodes: [node], rules: [], blockIO: {} } }),
  );
  assert.equal(spec.process.oomScoreAdj, -500);
  assert.deepEqual(spec.linux.devices, [node]);
  assert.equal(spec.linux.cgroupsPath, `/tenants/${r.id}`);
  assert.deepEqual(spec.annotations, { "org.example": "1" });
  assert.equal(spec.domainname, "example.org");
  assert.ok(spec.linux.namespaces.some((n) => n.type === "cgroup"));
  assert.ok(!spec.mounts.some((m) => m.destination === "/dev/shm"));
  assert.equal(cgroupsPath(record({})), `/wharf/${r.id}`);
});

test("buildSpec() puts the default profile in linux.seccomp and returns its compiled program beside the spec, not in it", () => {
  const seccomp = new SeccompFilters({ arch: "amd64", kernel: [6, 1] });
  const out = buildSpec(record({}), specInputs({ seccomp }));
  assert.match(out.seccompFilter ?? "", /^[A-Za-z0-9+/]+=*$/);
  assert.equal(out.spec.linux.seccomp?.defaultAction, "SCMP_ACT_ERRNO");
  assert.deepEqual(out.spec.linux.seccomp?.flags, []);
  assert.ok((out.spec.linux.seccomp?.syscalls ?? []).length > 0);
  assert.equal(out.spec.annotations, undefined);
  const none = buildSpec(
    record({ SecurityOpt: ["seccomp=unconfined"] }),
    specInputs({ seccomp }),
  );
  assert.equal(none.seccompFilter, undefined);
  assert.equal(none.spec.linux.seccomp, undefined);
});

test("buildSpec() joins a donor's PID and IPC namespaces and binds the shared /dev/shm", () => {
  const { spec } = buildSpec(
    record({ PidMode: "container:web", IpcMode: "container:web" }),
    specInputs({
      shared: {
        pidns: "/proc/42/ns/pid",
        ipcns: "/proc/42/ns/ipc",
        shm: "/data/containers/web/shm",
      },
    }),
  );
  const ns = (t: string) => spec.linux.namespaces.filter((n) => n.type === t);
  assert.deepEqual(ns("pid"), [{ type: "pid", path: "/proc/42/ns/pid" }]);
  assert.deepEqual(ns("ipc"), [{ type: "ipc", path: "/proc/42/ns/ipc" }]);
  const shm = spec.mounts.filter((m) => m.destination === "/dev/shm");
  assert.equal(shm.length, 1);
  assert.equal(shm[0]!.type, "bind");
  assert.equal(shm[0]!.source, "/data/containers/web/shm");
});

test("buildSpec() sets Docker's netns sysctls only in the container's own network namespace; HostConfig.Sysctls win", () => {
  const spec = (hc: Partial<HostConfig>, netns?: string) =>
    buildSpec(record(hc), specInputs({ netns })).spec;
  assert.deepEqual(spec({}, "/run/netns/x").linux.sysctl, {
    "net.ipv4.ping_group_range": "0 2147483647",
    "net.ipv4.ip_unprivileged_port_start": "0",
  });
  assert.deepEqual(
    spec({ Sysctls: { "net.ipv4.ip_unprivileged_port_start": "1024" } }).linux
      .sysctl?.["net.ipv4.ip_unprivileged_port_start"],
    "1024",
  );
  assert.equal(spec({ NetworkMode: "host" }, "host").linux.sysctl, undefined);
  assert.equal(
    spec({ NetworkMode: "container:web" }, "/proc/42/ns/net").linux.sysctl,
    undefined,
  );
  const custom = spec({ MaskedPaths: ["/proc/cpuinfo"], ReadonlyPaths: [] });
  assert.deepEqual(custom.linux.maskedPaths, ["/proc/cpuinfo"]);
  assert.deepEqual(custom.linux.readonlyPaths, []);
});

test("devNumbers() splits a Linux dev_t and parseDeviceCgroupRule() reads wildcards", () => {
  assert.deepEqual(devNumbers(0x0103n), { major: 1, minor: 3 });
  assert.deepEqual(devNumbers(0xf103ffn), { major: 0x103, minor: 0xfff });
  assert.deepEqual(parseDeviceCgroupRule("a *:* rwm"), {
    allow: true,
    type: "a",
    access: "rwm",
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

test("checkHostConfig() takes any registered runtime and refuses others with moby's text", () => {
  const hc = defaultHostConfig({ Runtime: "runc" });
  assert.deepEqual(
    checkHostConfig(
      hc,
      {},
      { runtime: "crun", runtimes: ["crun", "runc"], exists: () => true },
    ),
    [],
  );
  assert.throws(
    () =>
      checkHostConfig(
        defaultHostConfig({ Runtime: "runc" }),
        {},
        { runtime: "crun", exists: () => true },
      ),
    /Unknown runtime specified runc/,
  );
});
