/**
 * The capabilities the daemon itself may hand out: its bounding set. A
 * capability outside it makes crun fail with "capset: Operation not
 * permitted", so --privileged and --cap-add ALL stop at it, as Docker does.
 */
import { readFileSync } from "node:fs";

/** Linux capability names by number (include/uapi/linux/capability.h). */
export const CAP_NAMES = [
  "CAP_CHOWN",
  "CAP_DAC_OVERRIDE",
  "CAP_DAC_READ_SEARCH",
  "CAP_FOWNER",
  "CAP_FSETID",
  "CAP_KILL",
  "CAP_SETGID",
  "CAP_SETUID",
  "CAP_SETPCAP",
  "CAP_LINUX_IMMUTABLE",
  "CAP_NET_BIND_SERVICE",
  "CAP_NET_BROADCAST",
  "CAP_NET_ADMIN",
  "CAP_NET_RAW",
  "CAP_IPC_LOCK",
  "CAP_IPC_OWNER",
  "CAP_SYS_MODULE",
  "CAP_SYS_RAWIO",
  "CAP_SYS_CHROOT",
  "CAP_SYS_PTRACE",
  "CAP_SYS_PACCT",
  "CAP_SYS_ADMIN",
  "CAP_SYS_BOOT",
  "CAP_SYS_NICE",
  "CAP_SYS_RESOURCE",
  "CAP_SYS_TIME",
  "CAP_SYS_TTY_CONFIG",
  "CAP_MKNOD",
  "CAP_LEASE",
  "CAP_AUDIT_WRITE",
  "CAP_AUDIT_CONTROL",
  "CAP_SETFCAP",
  "CAP_MAC_OVERRIDE",
  "CAP_MAC_ADMIN",
  "CAP_SYSLOG",
  "CAP_WAKE_ALARM",
  "CAP_BLOCK_SUSPEND",
  "CAP_AUDIT_READ",
  "CAP_PERFMON",
  "CAP_BPF",
  "CAP_CHECKPOINT_RESTORE",
] as const;

/** Names of the capabilities set in a /proc status hex mask such as CapBnd. */
export function capsFromMask(hex: string): Set<string> {
  const mask = BigInt(`0x${hex.trim() || "0"}`);
  const out = new Set<string>();
  CAP_NAMES.forEach((name, bit) => {
    if ((mask >> BigInt(bit)) & 1n) out.add(name);
  });
  return out;
}

let bounding: Set<string> | undefined;

/** The daemon's bounding set, read once from /proc/self/status. */
export function hostBoundingSet(): Set<string> {
  if (!bounding) {
    const status = readFileSync("/proc/self/status", "utf8");
    const m = /^CapBnd:\s*([0-9a-f]+)$/m.exec(status);
    bounding = m ? capsFromMask(m[1] ?? "") : new Set(CAP_NAMES);
  }
  return bounding;
}
