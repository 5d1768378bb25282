/**
 * Which sysctls a container may set: only namespaced ones, and only in a
 * namespace of its own (the rules and texts of runc's config validator,
 * which is where dockerd's containers fail): the IPC sysctls and
 * `fs.mqueue.*` need a private IPC namespace, `net.*` a private network
 * namespace, kernel.hostname/domainname conflict with the OCI fields, and
 * everything else is not namespaced at all.
 */
import { InvalidArgumentError } from "../util/errors.ts";

const IPC = new Set([
  "kernel.msgmax",
  "kernel.msgmnb",
  "kernel.msgmni",
  "kernel.sem",
  "kernel.shmall",
  "kernel.shmmax",
  "kernel.shmmni",
  "kernel.shm_rmid_forced",
]);

/** The container's namespace situation the rules depend on. */
export type SysctlContext = { hostIpc: boolean; hostNetwork: boolean };

/** Throws InvalidArgumentError (runc's words) for the first sysctl the container may not set. */
export function checkSysctls(
  sysctls: Record<string, unknown>,
  ctx: SysctlContext,
): void {
  for (const [key, value] of Object.entries(sysctls)) {
    if (typeof value !== "string")
      throw new InvalidArgumentError(
        `invalid sysctl value for "${key}": must be a string`,
      );
    if (IPC.has(key) || key.startsWith("fs.mqueue.")) {
      if (ctx.hostIpc)
        throw new InvalidArgumentError(
          `sysctl "${key}" is not allowed in the hosts ipc namespace`,
        );
      continue;
    }
    if (key.startsWith("net.")) {
      if (ctx.hostNetwork)
        throw new InvalidArgumentError(
          `sysctl "${key}" is not allowed in the hosts network namespace`,
        );
      continue;
    }
    if (key === "kernel.hostname" || key === "kernel.domainname")
      throw new InvalidArgumentError(
        `sysctl "${key}" is not allowed as it conflicts with the OCI "${key.slice(7)}" field`,
      );
    throw new InvalidArgumentError(
      `sysctl "${key}" is not in a separate kernel namespace`,
    );
  }
}
