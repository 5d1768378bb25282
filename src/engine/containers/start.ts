import { mkdir } from "node:fs/promises";
import {
  InvalidArgumentError,
  WharfError,
  errorMessage,
} from "../../util/errors.ts";
import { bundleOf, logPathOf, nowRfc3339, publish, type Core } from "./core.ts";
import { hostFilePaths, writeHostFiles } from "./host-files.ts";
import { checkStart, type ContainerRecord } from "./record.ts";
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

/** What a start uses (everything but execs, waiters and create's checks). */
export type StartDeps = Pick<
  Core,
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
>;

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
    const spec = buildSpec(r, {
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
      ...(typeof r.hostConfig.Runtime === "string" && r.hostConfig.Runtime
        ? { runtime: r.hostConfig.Runtime }
        : {}),
    };
    await hold(r, ["runtime"], journal);
    let pid: number;
    try {
      ({ pid } = await core.runtime.create(id, createOptions));
    } catch (err) {
      if (!/already exists/.test(errorMessage(err))) throw err;
      // Stale runtime state from a crash between exit and cleanup.
      await core.runtime.remove(id, { force: true });
      ({ pid } = await core.runtime.create(id, createOptions));
    }
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

/**
 * Rewrites crun's wording into runc's, which the Docker CLI parses to pick
 * exit code 127 or 126 ("executable file not found", "permission denied").
 */
export function translateStartError(err: unknown): Error {
  // Taxonomy errors (InvalidArgument, networking's Conflict…) carry Docker's own text.
  if (err instanceof WharfError) return err;
  const msg = errorMessage(err);
  const nf = /executable file `([^`]*)` not found/.exec(msg);
  if (nf)
    return new InvalidArgumentError(
      `failed to create task for container: OCI runtime create failed: exec: "${nf[1]}": executable file not found in $PATH: unknown`,
    );
  if (/no such file or directory/i.test(msg) && /exec/i.test(msg))
    return new InvalidArgumentError(
      `failed to create task for container: OCI runtime create failed: ${msg.replace(/No such file/, "no such file")}: unknown`,
    );
  if (/permission denied/i.test(msg))
    return new InvalidArgumentError(
      `failed to create task for container: OCI runtime create failed: ${msg.replace(/Permission denied/, "permission denied")}: unknown`,
    );
  return new Error(
    `failed to create task for container: OCI runtime create failed: ${msg}: unknown`,
  );
}

function groupAdd(r: ContainerRecord): string[] {
  const g = r.hostConfig.GroupAdd;
  return Array.isArray(g) ? g.map(String) : [];
}
