/**
 * docker update (POST /containers/{id}/update): the restart policy and the
 * cgroup limits wharf applies, checked as moby's verifyContainerSettings and
 * Container.UpdateContainer do, applied to a running container through the
 * runtime's `update`, then saved.
 */
import { existsSync } from "node:fs";
import type {
  ContainerUpdateBody,
  ContainerUpdateResponse,
  HostConfig,
} from "../../api/containers.ts";
import type { OciResources } from "../../runtime/index.ts";
import {
  ConflictError,
  InvalidArgumentError,
  NotImplementedError,
  errorMessage,
} from "../../util/errors.ts";
import { checkCpuResources } from "./cpu-checks.ts";
import { publish, type ContainerDeps } from "./deps.ts";
import { isRunning } from "./record.ts";
import { validateRestartPolicy } from "./restart-policy.ts";

/** Resource fields docker update may carry that wharf does not apply (yet). */
const UNSUPPORTED = [
  "KernelMemory",
  "KernelMemoryTCP",
  "CpuRealtimePeriod",
  "CpuRealtimeRuntime",
  "BlkioWeightDevice",
  "BlkioDeviceReadBps",
  "BlkioDeviceWriteBps",
  "BlkioDeviceReadIOps",
  "BlkioDeviceWriteIOps",
  "DeviceCgroupRules",
  "Devices",
  "DeviceRequests",
  "Ulimits",
  "OomKillDisable",
  "MemorySwappiness",
  "CpuCount",
  "CpuPercent",
];

/** Where cgroup v1 shows whether swap accounting is on. */
const MEMSW_FILE = "/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes";
/** The kernel's highest pid (linux/threads.h): a pids limit this high is no limit. */
const PID_MAX_LIMIT = 4_194_304;

/** Present only when the I/O scheduler supports blkio weights. */
const BLKIO_WEIGHT_FILE = "/sys/fs/cgroup/blkio/blkio.weight";

/**
 * Validates the body without a container (moby verifyContainerSettings).
 * Throws InvalidArgumentError (400) or NotImplementedError (501); returns
 * the warnings for the response. Like moby, drops (in `b`) a blkio weight
 * the kernel cannot apply, with a warning.
 */
export function checkUpdateBody(b: ContainerUpdateBody): string[] {
  for (const k of UNSUPPORTED) {
    const v = b[k];
    if (v !== undefined && v !== null && v !== 0 && v !== false)
      if (!(Array.isArray(v) && v.length === 0))
        throw new NotImplementedError(`not implemented: docker update of ${k}`);
  }
  const memory = b.Memory ?? 0;
  const swap = b.MemorySwap ?? 0;
  if (memory > 0 && memory < 6 * 1024 * 1024)
    throw new InvalidArgumentError("Minimum memory limit allowed is 6MB");
  const reservation = b.MemoryReservation ?? 0;
  if (reservation > 0 && reservation < 6 * 1024 * 1024)
    throw new InvalidArgumentError("Minimum memory reservation allowed is 6MB");
  if (memory > 0 && reservation > memory)
    throw new InvalidArgumentError(
      "Minimum memory limit can not be less than memory reservation limit, see usage",
    );
  if (memory > 0 && swap > 0 && swap < memory)
    throw new InvalidArgumentError(
      "Minimum memoryswap limit should be larger than memory limit, see usage",
    );
  checkCpuResources(b);
  const w = b.BlkioWeight ?? 0;
  if (w > 0 && (w < 10 || w > 1000))
    throw new InvalidArgumentError("Range of blkio weight is from 10 to 1000");
  if (b.RestartPolicy) validateRestartPolicy(b.RestartPolicy);
  const warnings: string[] = [];
  if (w > 0 && !existsSync(BLKIO_WEIGHT_FILE)) {
    warnings.push(
      "Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.",
    );
    b.BlkioWeight = 0;
  }
  if (swap !== 0 && !existsSync(MEMSW_FILE))
    warnings.push(
      "Your kernel does not support swap limit capabilities or the cgroup is not mounted. Memory limited without swap.",
    );
  return warnings;
}

/**
 * The new HostConfig: fields set (non-zero) in the body replace the old
 * ones (moby Container.UpdateContainer). Throws ConflictError with Docker's
 * text for updates that contradict what is set.
 */
export function mergeUpdate(
  hc: HostConfig,
  b: ContainerUpdateBody,
  o: { id: string; swapSupported: boolean },
): HostConfig {
  const fail = (msg: string): never => {
    throw new ConflictError(`Cannot update container ${o.id}: ${msg}`);
  };
  const cur = (k: string): number => Number(hc[k] ?? 0);
  const nano = b.NanoCpus ?? 0;
  if (nano > 0 && cur("CpuPeriod") > 0)
    fail(
      "Conflicting options: Nano CPUs cannot be updated as CPU Period has already been set",
    );
  if (nano > 0 && cur("CpuQuota") > 0)
    fail(
      "Conflicting options: Nano CPUs cannot be updated as CPU Quota has already been set",
    );
  if ((b.CpuPeriod ?? 0) > 0 && cur("NanoCpus") > 0)
    fail(
      "Conflicting options: CPU Period cannot be updated as NanoCPUs has already been set",
    );
  if ((b.CpuQuota ?? 0) > 0 && cur("NanoCpus") > 0)
    fail(
      "Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set",
    );
  const out: HostConfig = { ...hc };
  for (const k of [
    "BlkioWeight",
    "CpuShares",
    "NanoCpus",
    "CpuPeriod",
    "CpuQuota",
    "MemoryReservation",
  ] as const)
    if ((b[k] ?? 0) !== 0) out[k] = b[k]!;
  for (const k of ["CpusetCpus", "CpusetMems"] as const)
    if (b[k]) out[k] = b[k];
  // compat: without swap accounting moby treats any swap limit as -1.
  const swap = o.swapSupported ? (b.MemorySwap ?? 0) : b.MemorySwap ? -1 : 0;
  if ((b.Memory ?? 0) !== 0) {
    // compat: moby refuses a memory limit above the swap limit already set
    // (0 when none) unless the same update sets the swap limit.
    if (b.Memory! > cur("MemorySwap") && swap === 0)
      fail(
        "Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time",
      );
    out.Memory = b.Memory!;
  }
  if (swap !== 0) out.MemorySwap = swap;
  // compat: 0 and every negative value unset the limit; inspect then shows
  // 0 (moby's router turns them into 0 before the daemon sees them).
  if (b.PidsLimit !== undefined && b.PidsLimit !== null)
    out.PidsLimit = b.PidsLimit > 0 ? b.PidsLimit : 0;
  const policy = b.RestartPolicy;
  if (policy?.Name) {
    if (policy.Name !== "no" && hc.AutoRemove)
      fail(
        "Restart policy cannot be updated because AutoRemove is enabled for the container",
      );
    out.RestartPolicy = {
      Name: policy.Name,
      MaximumRetryCount: policy.MaximumRetryCount ?? 0,
    };
  }
  return out;
}

/** The cgroup limits of a HostConfig, as the runtime's update takes them. */
export function updateResources(hc: HostConfig): OciResources {
  const out: OciResources = {};
  const n = (k: string): number => Number(hc[k] ?? 0);
  const memory: NonNullable<OciResources["memory"]> = {};
  if (hc.Memory > 0) memory.limit = hc.Memory;
  if (n("MemorySwap") !== 0) memory.swap = n("MemorySwap");
  if (n("MemoryReservation") > 0) memory.reservation = n("MemoryReservation");
  if (Object.keys(memory).length) out.memory = memory;
  const cpu: NonNullable<OciResources["cpu"]> = {};
  if (hc.CpuShares > 0) cpu.shares = hc.CpuShares;
  if (n("NanoCpus") > 0) {
    cpu.period = 100000;
    cpu.quota = Math.round((n("NanoCpus") * 100000) / 1e9);
  } else if (n("CpuQuota") !== 0) {
    // -1 is CFS's "no quota": written as is, it lifts an earlier quota.
    cpu.quota = n("CpuQuota");
    cpu.period = n("CpuPeriod") || 100000;
  } else if (n("CpuPeriod") > 0) cpu.period = n("CpuPeriod");
  if (typeof hc.CpusetCpus === "string" && hc.CpusetCpus)
    cpu.cpus = hc.CpusetCpus;
  if (typeof hc.CpusetMems === "string" && hc.CpusetMems)
    cpu.mems = hc.CpusetMems;
  if (Object.keys(cpu).length) out.cpu = cpu;
  if (hc.PidsLimit !== null && hc.PidsLimit > 0)
    out.pids = { limit: hc.PidsLimit };
  if (n("BlkioWeight") > 0) out.blockIO = { weight: n("BlkioWeight") };
  return out;
}

/**
 * docker update of one container. Throws InvalidArgumentError (400),
 * ConflictError (409), NotImplementedError (501), or a plain Error when
 * the runtime refuses the limits (the old config is kept then).
 */
export async function updateContainer(
  core: Pick<ContainerDeps, "store" | "lock" | "runtime" | "events">,
  ref: string,
  body: ContainerUpdateBody,
): Promise<ContainerUpdateResponse> {
  const r = core.store.resolve(ref);
  const warnings = checkUpdateBody(body);
  await core.lock.run(r.id, async () => {
    // compat: moby wraps a plain error here: 500, not 409.
    if (r.state.status === "removing" || r.state.status === "dead")
      throw new Error(
        `Cannot update container ${r.id}: container is marked for removal and cannot be "update"`,
      );
    const next = mergeUpdate(r.hostConfig, body, {
      id: r.id,
      swapSupported: existsSync(MEMSW_FILE),
    });
    const resources = updateResources(next);
    // crun 1.8.1 writes -1 (OCI's "unlimited") verbatim, which pids.max
    // refuses: PID_MAX_LIMIT is unlimited in effect.
    if (body.PidsLimit !== undefined && body.PidsLimit !== null)
      if (body.PidsLimit <= 0) resources.pids = { limit: PID_MAX_LIMIT };
    if (isRunning(r))
      await core.runtime.update(r.id, resources).catch((err) => {
        throw new Error(
          `Cannot update container ${r.id}: ${errorMessage(err)}`,
        );
      });
    r.hostConfig = next;
    await core.store.save(r);
    publish(core, r, "update");
  });
  // compat: moby sends null when there are no warnings.
  return { Warnings: warnings.length ? warnings : null };
}
