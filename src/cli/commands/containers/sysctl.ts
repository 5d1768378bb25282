/**
 * The Docker CLI's own check of `--sysctl` (docker/cli opts.ValidateSysctl):
 * only the IPC sysctls, `net.*` and `fs.mqueue.*` pass; the daemon applies
 * the finer rules (network mode, namespaces).
 */
import { sysctlNamespace } from "../../../conventions/sysctl.ts";
import { StatusError } from "../../command.ts";

/** Throws StatusError (125) in the Docker CLI's words for a sysctl it refuses. */
export function checkSysctl(value: string): void {
  const parts = value.split("=");
  const key = parts[0] ?? "";
  if (parts.length >= 2 && sysctlNamespace(key) !== undefined) return;
  throw new StatusError(
    `invalid argument "${value}" for "--sysctl" flag: sysctl '${value}' is not allowed`,
    125,
  );
}
