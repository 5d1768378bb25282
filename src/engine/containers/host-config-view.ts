import type { HostConfig } from "../../api/containers.ts";
import { MASKED, READONLY } from "./spec-linux.ts";

/**
 * Every HostConfig key dockerd sends in container inspect, with the value
 * it sends when the client set nothing (checked against dockerd 20.10's
 * JSON in test/fixtures/dockerd/container.json). Clients read keys such as
 * LogConfig or MaskedPaths without checking that they exist.
 */
const DEFAULTS = {
  Binds: null,
  ContainerIDFile: "",
  LogConfig: { Type: "json-file", Config: {} },
  PortBindings: {},
  RestartPolicy: { Name: "no", MaximumRetryCount: 0 },
  AutoRemove: false,
  VolumeDriver: "",
  VolumesFrom: null,
  ConsoleSize: [0, 0],
  CapAdd: null,
  CapDrop: null,
  Dns: [],
  DnsOptions: [],
  DnsSearch: [],
  ExtraHosts: null,
  GroupAdd: null,
  Cgroup: "",
  Links: null,
  OomScoreAdj: 0,
  PidMode: "",
  Privileged: false,
  PublishAllPorts: false,
  ReadonlyRootfs: false,
  SecurityOpt: null,
  UTSMode: "",
  UsernsMode: "",
  Isolation: "",
  CpuShares: 0,
  Memory: 0,
  NanoCpus: 0,
  CgroupParent: "",
  BlkioWeight: 0,
  BlkioWeightDevice: [],
  BlkioDeviceReadBps: [],
  BlkioDeviceWriteBps: [],
  BlkioDeviceReadIOps: [],
  BlkioDeviceWriteIOps: [],
  CpuPeriod: 0,
  CpuQuota: 0,
  CpuRealtimePeriod: 0,
  CpuRealtimeRuntime: 0,
  CpusetCpus: "",
  CpusetMems: "",
  Devices: [],
  DeviceCgroupRules: null,
  DeviceRequests: null,
  KernelMemoryTCP: 0,
  MemoryReservation: 0,
  MemorySwap: 0,
  MemorySwappiness: null,
  OomKillDisable: false,
  PidsLimit: null,
  Ulimits: [],
  CpuCount: 0,
  CpuPercent: 0,
  IOMaximumIOps: 0,
  IOMaximumBandwidth: 0,
};

/**
 * The HostConfig of container inspect: the record's values over Docker's
 * defaults. compat: MemorySwappiness -1 and a negative PidsLimit read back
 * as null (unset), an update's unlimited PidsLimit as 0, and MaskedPaths/ReadonlyPaths show the paths applied
 * (Docker's defaults unless the client sent its own; null when privileged).
 */
export function hostConfigView(hc: HostConfig): Record<string, unknown> {
  const out: Record<string, unknown> = { ...DEFAULTS };
  for (const [k, v] of Object.entries(hc)) if (v !== undefined) out[k] = v;
  if (out.MemorySwappiness === -1) out.MemorySwappiness = null;
  // Records from before create normalised it may hold a negative limit.
  if (typeof out.PidsLimit === "number" && out.PidsLimit < 0)
    out.PidsLimit = null;
  const privileged = out.Privileged === true;
  out.MaskedPaths = privileged ? null : (hc.MaskedPaths ?? MASKED);
  out.ReadonlyPaths = privileged ? null : (hc.ReadonlyPaths ?? READONLY);
  return out;
}
