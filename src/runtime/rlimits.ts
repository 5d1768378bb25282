import { readFileSync } from "node:fs";
import type { OciRlimit } from "./oci-spec.ts";

/** /proc/self/limits row names → RLIMIT_* names. */
const names: Record<string, string> = {
  "Max cpu time": "RLIMIT_CPU",
  "Max file size": "RLIMIT_FSIZE",
  "Max data size": "RLIMIT_DATA",
  "Max stack size": "RLIMIT_STACK",
  "Max core file size": "RLIMIT_CORE",
  "Max resident set": "RLIMIT_RSS",
  "Max processes": "RLIMIT_NPROC",
  "Max open files": "RLIMIT_NOFILE",
  "Max locked memory": "RLIMIT_MEMLOCK",
  "Max address space": "RLIMIT_AS",
  "Max file locks": "RLIMIT_LOCKS",
  "Max pending signals": "RLIMIT_SIGPENDING",
  "Max msgqueue size": "RLIMIT_MSGQUEUE",
  "Max nice priority": "RLIMIT_NICE",
  "Max realtime priority": "RLIMIT_RTPRIO",
  "Max realtime timeout": "RLIMIT_RTTIME",
};

/**
 * Parses /proc/<pid>/limits into RLIMIT_* → hard limit (Infinity for
 * "unlimited").
 */
export function parseHardLimits(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    const m = /^(Max [a-z ]+?)\s{2,}(\S+)\s+(\S+)/.exec(line);
    const name = m ? names[m[1]!] : undefined;
    if (!m || !name) continue;
    out.set(name, m[3] === "unlimited" ? Infinity : Number(m[3]));
  }
  return out;
}

let own: Map<string, number> | undefined;

/**
 * Clamps rlimits to the daemon's own hard limits: without CAP_SYS_RESOURCE
 * a higher limit makes crun fail with "setrlimit: Operation not permitted"
 * (DESIGN.md). `hard` defaults to this process's limits. Returns new objects.
 */
export function clampRlimits(
  rlimits: OciRlimit[],
  hard: Map<string, number> = (own ??= parseHardLimits(
    readFileSync("/proc/self/limits", "utf8"),
  )),
): OciRlimit[] {
  return rlimits.map((r) => {
    const max = hard.get(r.type) ?? Infinity;
    return {
      type: r.type,
      hard: Math.min(r.hard, max),
      soft: Math.min(r.soft, r.hard, max),
    };
  });
}
