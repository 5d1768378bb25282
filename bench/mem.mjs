// Memory probes from /proc, printed as plain numbers (KiB) for run.sh.
//
//   mem.mjs pss COMM SUBSTRING   "<count> <average PSS KiB>" of the processes named COMM
//                                whose command line contains SUBSTRING (the bench's private
//                                temp dir, so other engines on the machine are never counted)
//   mem.mjs rss PID...           total VmRSS KiB of the given pids (missing pids count 0)
//   mem.mjs status PID...        "<VmRSS> <RssAnon> <RssFile>" KiB, each summed over the pids
//   mem.mjs children PID COMM    pids of PID's direct children named COMM, one per line
import { readdirSync, readFileSync } from "node:fs";

const [command, ...args] = process.argv.slice(2);

/** Reads a /proc file, or returns "" when the process is gone. */
function proc(pid, name) {
  try {
    return readFileSync(`/proc/${pid}/${name}`, "utf8");
  } catch {
    return "";
  }
}

/** Returns the kB number on the line starting with `field:` in a /proc key-value file. */
function field(text, name) {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(text);
  return match ? Number(match[1]) : 0;
}

const pids = () => readdirSync("/proc").filter((entry) => /^\d+$/.test(entry));

if (command === "pss") {
  const [comm, needle] = args;
  if (!comm || !needle) throw new Error("usage: mem.mjs pss COMM SUBSTRING");
  // comm is cut to 15 bytes by the kernel: containerd-shim-runc-v2 shows as "containerd-shim".
  const want = comm.slice(0, 15);
  const values = [];
  for (const pid of pids()) {
    if (proc(pid, "comm").trim() !== want) continue;
    if (!proc(pid, "cmdline").replaceAll("\0", " ").includes(needle)) continue;
    values.push(field(proc(pid, "smaps_rollup"), "Pss"));
  }
  const average = values.length
    ? values.reduce((x, y) => x + y, 0) / values.length
    : 0;
  console.log(`${values.length} ${average.toFixed(1)}`);
} else if (command === "rss") {
  const total = args.reduce(
    (sum, pid) => sum + field(proc(pid, "status"), "VmRSS"),
    0,
  );
  console.log(String(total));
} else if (command === "status") {
  const sum = (name) =>
    args.reduce((total, pid) => total + field(proc(pid, "status"), name), 0);
  console.log(["VmRSS", "RssAnon", "RssFile"].map(sum).join(" "));
} else if (command === "children") {
  const [parent, comm] = args;
  for (const pid of pids()) {
    // stat: "pid (comm) state ppid ..."; comm may hold spaces, so split after the last ')'.
    const stat = proc(pid, "stat");
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (rest[1] === parent && proc(pid, "comm").trim() === comm)
      console.log(pid);
  }
} else {
  console.error(
    "usage: mem.mjs (pss COMM SUBSTRING | rss PID... | status PID... | children PID COMM)",
  );
  process.exit(2);
}
