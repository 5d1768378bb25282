/**
 * The Docker CLI's own check of `--sysctl` (docker/cli opts.ValidateSysctl):
 * only the IPC sysctls, `net.*` and `fs.mqueue.*` pass; the daemon applies
 * the finer rules (network mode, namespaces).
 */
import { StatusError } from "../../command.ts";

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

/** Throws StatusError (125) in the Docker CLI's words for a sysctl it refuses. */
export function checkSysctl(value: string): void {
  const parts = value.split("=");
  const key = parts[0] ?? "";
  if (
    parts.length >= 2 &&
    (IPC.has(key) || key.startsWith("net.") || key.startsWith("fs.mqueue."))
  )
    return;
  throw new StatusError(
    `invalid argument "${value}" for "--sysctl" flag: sysctl '${value}' is not allowed`,
    125,
  );
}
