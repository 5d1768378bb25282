// CPU time probes from /proc for bench/logging.sh, printed in milliseconds.
//
//   cpu.mjs pids PID...            user+system CPU of the given pids (missing pids count 0)
//   cpu.mjs named COMM NEEDLE      user+system CPU of the processes named COMM whose
//                                  command line contains NEEDLE (a container id: its
//                                  conmon or containerd-shim only)
import { readdirSync, readFileSync } from "node:fs";

const [command, ...args] = process.argv.slice(2);
const tick = 1000 / 100; // USER_HZ is 100 on Linux

function read(pid, name) {
  try {
    return readFileSync(`/proc/${pid}/${name}`, "utf8");
  } catch {
    return "";
  }
}

/** utime + stime of one process, in ms (fields 14 and 15 after the comm). */
function cpu(pid) {
  const stat = read(pid, "stat");
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return rest.length > 12 ? (Number(rest[11]) + Number(rest[12])) * tick : 0;
}

if (command === "pids") {
  console.log(args.reduce((sum, pid) => sum + cpu(pid), 0));
} else if (command === "named") {
  const [comm, needle] = args;
  let sum = 0;
  for (const pid of readdirSync("/proc").filter((e) => /^\d+$/.test(e)))
    if (read(pid, "comm").trim() === comm && read(pid, "cmdline").includes(needle))
      sum += cpu(pid);
  console.log(sum);
} else {
  console.error("usage: cpu.mjs pids PID... | named COMM NEEDLE");
  process.exit(2);
}
