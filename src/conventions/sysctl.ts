/**
 * Which kernel namespace a sysctl belongs to, as the Docker CLI
 * (opts.ValidateSysctl) and runc's config validator both sort them: the
 * System V IPC sysctls and `fs.mqueue.*` live in the IPC namespace,
 * `net.*` in the network namespace; anything else is not namespaced.
 */
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

/** The namespace a sysctl key is set in, or undefined when it is not namespaced. */
export function sysctlNamespace(key: string): "ipc" | "net" | undefined {
  if (IPC.has(key) || key.startsWith("fs.mqueue.")) return "ipc";
  if (key.startsWith("net.")) return "net";
  return undefined;
}
