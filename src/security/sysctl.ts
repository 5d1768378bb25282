/**
 * Which sysctls a container may set: only namespaced ones, and only in a
 * namespace of its own (the rules and texts of runc's config validator,
 * which is where dockerd's containers fail): the IPC sysctls and
 * `fs.mqueue.*` need a private IPC namespace, `net.*` a private network
 * namespace, kernel.hostname/domainname conflict with the OCI fields, and
 * everything else is not namespaced at all.
 */
import { sysctlNamespace } from "../conventions/sysctl.ts";
import { InvalidArgumentError } from "../util/errors.ts";

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
    const namespace = sysctlNamespace(key);
    if (namespace === "ipc") {
      if (ctx.hostIpc)
        throw new InvalidArgumentError(
          `sysctl "${key}" is not allowed in the hosts ipc namespace`,
        );
      continue;
    }
    if (namespace === "net") {
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
