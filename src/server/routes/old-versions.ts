import { versionLessThan } from "../../api/version.ts";

/**
 * Wire shapes of API versions before 1.25, as dockerd 20.10 (minimum API
 * 1.12) sends them; the handlers build the current shape and pass it here.
 * From the API reference's version history and moby's daemon/inspect.go,
 * checked against dockerd 20.10 on this machine.
 */

type Json = Record<string, unknown>;

/**
 * Container inspect before 1.42 has HostConfig.KernelMemory (0: wharf sets
 * no kernel memory limit). Before 1.21: compat: 1.20 adds to Config MacAddress,
 * NetworkDisabled, ExposedPorts (always present) and VolumeDriver (from
 * HostConfig), and NetworkSettings has no Networks; before 1.20 Config also
 * has Memory, MemorySwap, CpuShares and Cpuset (from HostConfig), and the
 * top level has Volumes (destination → source) and VolumesRW instead of
 * Mounts. Returns the view unchanged from 1.21 on.
 */
export function inspectForVersion(view: Json, version: string): Json {
  if (!versionLessThan(version, "1.42")) return view;
  view = {
    ...view,
    HostConfig: { KernelMemory: 0, ...((view.HostConfig ?? {}) as Json) },
  };
  if (!versionLessThan(version, "1.21")) return view;
  const host = (view.HostConfig ?? {}) as Json;
  const config = { ...((view.Config ?? {}) as Json) };
  const settings = { ...((view.NetworkSettings ?? {}) as Json) };
  const networks = (settings.Networks ?? {}) as Record<string, Json>;
  const primary = Object.values(networks)[0] ?? {};
  delete settings.Networks;
  config.MacAddress = config.MacAddress ?? primary.MacAddress ?? "";
  config.NetworkDisabled = config.NetworkDisabled ?? false;
  config.ExposedPorts = config.ExposedPorts ?? null;
  config.VolumeDriver = host.VolumeDriver ?? "";
  const out: Json = { ...view, Config: config, NetworkSettings: settings };
  if (!versionLessThan(version, "1.20")) return out;
  config.Memory = host.Memory ?? 0;
  config.MemorySwap = host.MemorySwap ?? 0;
  config.CpuShares = host.CpuShares ?? 0;
  config.Cpuset = host.CpusetCpus ?? "";
  const mounts = (view.Mounts ?? []) as Json[];
  const volumes: Record<string, unknown> = {};
  const rw: Record<string, unknown> = {};
  for (const m of mounts) {
    volumes[String(m.Destination)] = m.Source;
    rw[String(m.Destination)] = m.RW;
  }
  delete out.Mounts;
  out.Volumes = volumes;
  out.VolumesRW = rw;
  return out;
}

/**
 * /info by version. compat: before 1.42 KernelMemory is there (the kmem
 * limit exists wherever the kmem.tcp one does); before 1.25 ExecutionDriver
 * "<not supported>" and SecurityOptions as bare names ("seccomp"), not
 * "name=seccomp,profile=…".
 */
export function infoForVersion(info: Json, version: string): Json {
  if (!versionLessThan(version, "1.42")) return info;
  info = { ...info, KernelMemory: info.KernelMemoryTCP ?? false };
  if (!versionLessThan(version, "1.25")) return info;
  const options = (info.SecurityOptions ?? []) as string[];
  return {
    ...info,
    ExecutionDriver: "<not supported>",
    SecurityOptions: options.map((o) =>
      o.startsWith("name=") ? (o.slice(5).split(",")[0] ?? o) : o,
    ),
  };
}
