import { mkdir } from "node:fs/promises";
import { errorMessage } from "../../util/errors.ts";
import {
  bundleOf,
  logPathOf,
  nowRfc3339,
  publish,
  startLogCopier,
  type ContainerDeps,
} from "./deps.ts";
import { hostFilePaths, writeHostFiles } from "./host-files.ts";
import { checkStart, isRunning, type ContainerRecord } from "./record.ts";
import { removeRecord, type RemoveDeps } from "./remove.ts";
import { translateStartError } from "./start-errors.ts";
import { resolveHostDevices } from "./devices.ts";
import { logsDisabled } from "./logs.ts";
import { buildSpec } from "./spec.ts";
import { prepareSharedNamespaces } from "./shared-ns.ts";
import { hold, release } from "./resources.ts";
import { fault } from "../../util/fault.ts";
import { allOrFirstError } from "../../util/promises.ts";
import { resolveUser } from "./user.ts";
import {
  applyUserns,
  chownContainerFiles,
  rootfsOptions,
  writeNetSysctls,
} from "./userns.ts";

/** What starting a container's process uses. */
export type StartDeps = Pick<
  ContainerDeps,
  | "store"
  | "images"
  | "runtime"
  | "events"
  | "log"
  | "networking"
  | "mounts"
  | "execRoot"
  | "seccomp"
  | "initBinary"
  | "releasers"
  | "probes"
  | "logging"
>;

/**
 * What docker start uses: a start, the restart policy's reset, parked
 * attach sessions, and rm for an AutoRemove container whose start failed.
 */
export type StartVerbDeps = StartDeps &
  RemoveDeps &
  Pick<ContainerDeps, "restarts" | "attachments">;

/** docker start. Throws NotModifiedError when running (304). */
export async function start(d: StartVerbDeps, ref: string): Promise<void> {
  const r = d.store.resolve(ref);
  try {
    await d.lock.run(r.id, () => {
      // compat: a start by the user resets RestartCount and the backoff.
      checkStart(r);
      d.restarts.reset(r.id);
      r.restartCount = 0;
      return startContainer(d, r, (rec) => d.attachments.connectPending(rec));
    });
  } catch (err) {
    // compat: moby removes an AutoRemove container whose start failed, so
    // `run --rm` (waiting for condition=removed) ends.
    if (r.hostConfig.AutoRemove && !isRunning(r))
      await removeRecord(d, r, { force: true, volumes: true }).catch(
        () => undefined,
      );
    throw err;
  }
}

/**
 * Connects attach clients after the runtime created the process and before
 * it runs, so no output is lost (conmon does not replay output).
 */
export type BeforeRun = (r: ContainerRecord) => Promise<void>;

/**
 * Starts a container; the caller holds id's lock. Throws NotModifiedError
 * if running, InvalidArgumentError for a missing executable or unknown user
 * (Docker's 400 with the runtime's text), plain Error for other runtime
 * failures. On failure the record keeps the error and nothing is left
 * running.
 */
export async function startContainer(
  core: StartDeps,
  r: ContainerRecord,
  beforeRun: BeforeRun,
): Promise<void> {
  checkStart(r);
  const id = r.id;
  const bundle = bundleOf(core, id);
  const journal = (rec: ContainerRecord) =>
    core.store.save(rec, { durable: false });
  try {
    fault("start:begin");
    // The filesystem, the network namespace and the bundle do not depend on
    // each other: prepare them together (the network's veth plumbing alone is two `ip` spawns).
    await hold(r, ["bundle", "rootfs", "network"], journal);
    const [rootfs, net, , devices] = await allOrFirstError([
      core.images.mountRootfs(id, rootfsOptions(r)),
      core.networking.prepare(r),
      (async () => {
        await mkdir(bundle, { recursive: true, mode: 0o700 });
        await core.runtime.clearExitStatus(id);
      })(),
      resolveHostDevices(r.hostConfig),
    ] as const);
    fault("start:acquired-network");
    await hold(
      r,
      r.hostConfig.IpcMode === "shareable" ? ["mounts", "shm"] : ["mounts"],
      journal,
    );
    const [user, mounts] = await allOrFirstError([
      resolveUser(rootfs, r.config.User, groupAdd(r)),
      core.mounts.prepare(r, rootfs),
    ] as const);
    const netns = net.netns;
    const shared = await prepareSharedNamespaces(core, r);
    const files = hostFilePaths(core.store.dirOf(id));
    await writeHostFiles(r, files, { ...net, hostNetwork: netns === "host" });
    await chownContainerFiles(r, core.store.dirOf(id), Object.values(files));
    const { spec, seccompFilter } = buildSpec(r, {
      rootfs,
      ...files,
      netns,
      initBinary: r.hostConfig.Init ? core.initBinary : undefined,
      user,
      seccomp: core.seccomp,
      mounts,
      devices,
      shared,
    });
    applyUserns(spec, r);
    // The interfaces are made while the runtime creates the container,
    // unless a sysctl may name one (net.ipv4.conf.eth0.…: crun, or the
    // user-namespace path below, writes them before the process runs).
    if (net.ready && (r.idMappings || namesInterfaces(spec.linux.sysctl)))
      await net.ready;
    await writeNetSysctls(spec, r, netns);
    // compat: moby puts link variables before Config.Env, which wins.
    if (net.env?.length) spec.process.env.splice(1, 0, ...net.env);
    const createOptions = {
      bundle,
      spec,
      terminal: r.config.Tty,
      stdin: r.config.OpenStdin,
      stdinOnce: r.config.StdinOnce,
      logPath: logsDisabled(r) ? "/dev/null" : logPathOf(core, id),
      name: r.name.slice(1),
      ...(seccompFilter ? { seccompFilter } : {}),
      ...(typeof r.hostConfig.Runtime === "string" && r.hostConfig.Runtime
        ? { runtime: r.hostConfig.Runtime }
        : {}),
    };
    // compat: moby starts the logger before the task, so a driver that
    // cannot open (an unreachable syslog) fails the start.
    await hold(r, ["logger"], journal);
    await startLogCopier(core, r);
    await hold(r, ["runtime"], journal);
    const [{ pid }] = await allOrFirstError([
      createProcess(core, id, createOptions),
      net.ready ?? Promise.resolve(),
    ] as const);
    fault("start:created");
    r.state = {
      ...r.state,
      status: "running",
      pid,
      exitCode: 0,
      error: "",
      oomKilled: false,
      startedAt: nowRfc3339(),
    };
    await beforeRun(r);
    await core.runtime.start(id);
  } catch (err) {
    await failStart(core, r, err);
    throw translateStartError(err);
  }
  r.stoppedByUser = false;
  core.probes.started(r);
  await core.store.save(r);
  publish(core, r, "start");
}

/** The runtime's create; stale state from a crash between exit and cleanup is deleted first. */
async function createProcess(
  core: StartDeps,
  id: string,
  options: Parameters<StartDeps["runtime"]["create"]>[1],
): Promise<{ pid: number }> {
  try {
    return await core.runtime.create(id, options);
  } catch (err) {
    if (!/already exists/.test(errorMessage(err))) throw err;
    await core.runtime.remove(id, { force: true });
    return core.runtime.create(id, options);
  }
}

/** True when a sysctl may name an interface (conf.<if>, neigh.<if>). */
function namesInterfaces(sysctl: Record<string, string> | undefined): boolean {
  return Object.keys(sysctl ?? {}).some((k) =>
    /^net\.ipv[46]\.(conf|neigh)\./.test(k),
  );
}

async function failStart(
  core: StartDeps,
  r: ContainerRecord,
  err: unknown,
): Promise<void> {
  const msg = errorMessage(err);
  await release(r, core.releasers, core.log);
  // compat: moby's exit codes for start failures (127 not found, 126 not executable).
  const code = /not found|no such file/i.test(msg)
    ? 127
    : /permission denied/i.test(msg)
      ? 126
      : 128;
  r.state = {
    ...r.state,
    status: r.state.startedAt.startsWith("0001") ? "created" : "exited",
    pid: 0,
    exitCode: code,
    error: translateStartError(err).message,
  };
  await core.store.save(r);
}

function groupAdd(r: ContainerRecord): string[] {
  const g = r.hostConfig.GroupAdd;
  return Array.isArray(g) ? g.map(String) : [];
}
