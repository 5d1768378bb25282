// Turns the bench's JSON-lines results into the comparison table: prints it and
// writes PREFIX.json (every raw result plus the rows) and PREFIX.md.
//   report.mjs RESULTS.jsonl PREFIX
import { readFileSync, writeFileSync } from "node:fs";

const [input, prefix] = process.argv.slice(2);
if (!input || !prefix) {
  console.error("usage: report.mjs RESULTS.jsonl PREFIX");
  process.exit(2);
}

/** Rows in table order. target: the wharf/docker ratio to stay at or below (at or above with higher). */
const METRICS = [
  { id: "run_rm", label: "run --rm busybox true", show: "ms", target: 1 / 3 },
  {
    id: "http_rps",
    label: "HTTP via 127.0.0.1 published port (wrk)",
    show: "req/s",
    target: 1.6,
    higher: true,
  },
  { id: "run_d", label: "run -d ×{n} sleep (total)", show: "s" },
  { id: "exec", label: "exec <c> true", show: "ms" },
  { id: "ps_a", label: "ps -a with {n} containers", show: "ms" },
  { id: "supervisor_pss", label: "supervisor PSS per container", show: "MiB" },
  { id: "daemon_growth", label: "daemon RSS growth for {n}", show: "MiB" },
  {
    id: "mem_per_ctr",
    label: "memory per container (PSS + growth/{n})",
    show: "MiB",
    target: 1 / 4,
  },
  { id: "idle_rss", label: "daemon idle RSS", show: "MiB" },
  { id: "rm_f", label: "rm -f ×{n} (total)", show: "s" },
  { id: "version", label: "version (CLI floor)", show: "ms" },
  // wharf compose vs docker-compose 1.29 (see lib/compose.sh)
  {
    id: "compose_up",
    label: "compose up -d, 6 services",
    show: "ms",
    target: 1 / 2,
  },
  {
    id: "compose_down",
    label: "compose down -v, 6 services",
    show: "ms",
    target: 1 / 2,
  },
  // push/pull through one loopback registry, save/load (see lib/transfer.sh)
  {
    id: "push_mbs",
    label: "push 200 MB, 5 layers",
    show: "MB/s",
    target: 2,
    higher: true,
  },
  {
    id: "pull_mbs",
    label: "pull 200 MB, 5 layers (after rmi)",
    show: "MB/s",
    target: 2,
    higher: true,
  },
  { id: "xfer_rss", label: "daemon peak RSS during push/pull", show: "MiB" },
  { id: "load_ms", label: "load 100 MB image", show: "ms", target: 1 },
  { id: "save_ms", label: "save 100 MB image", show: "ms", target: 1 },
  // the same Dockerfiles through each engine's CLI (see lib/build.sh)
  {
    id: "build_cold",
    label: "build --no-cache, 5 RUN + 100 MiB COPY",
    show: "ms",
    target: 1,
  },
  { id: "build_cached", label: "build, all cached", show: "ms", target: 1 / 2 },
  {
    id: "build_parallel",
    label: "build, 2 independent stages (sleep 2 each)",
    show: "ms",
    target: 1,
  },
];
const ENGINES = ["wharf", "docker", "podman"];

const lines = readFileSync(input, "utf8").split("\n").filter(Boolean);
const entries = lines.map((line) => JSON.parse(line));
const meta = Object.fromEntries(
  entries.filter((e) => e.meta).map((e) => [e.meta, e.value]),
);
const results = entries.filter((e) => !e.meta);
const find = (engine, metric) =>
  results.find((e) => e.engine === engine && e.metric === metric);
const n = meta.containers ?? "50";

/** Converts a recorded value into the unit the row shows. */
function scaled(entry, show) {
  const factor = {
    "ms:ms": 1,
    "ms:s": 1 / 1000,
    "KiB:MiB": 1 / 1024,
    "req/s:req/s": 1,
    "MB/s:MB/s": 1,
  }[`${entry.unit}:${show}`];
  if (factor === undefined)
    throw new Error(`cannot show ${entry.unit} as ${show}`);
  return {
    value: entry.value * factor,
    stddev: entry.stddev === undefined ? undefined : entry.stddev * factor,
  };
}

/** Formats one engine's cell: the number, or why there is none. */
function cell(entry, show) {
  if (!entry) return "not run";
  if (entry.status === "failed") return `failed: ${entry.error}`;
  if (entry.status === "skipped")
    return entry.error.startsWith("n/a")
      ? entry.error
      : `skipped: ${entry.error}`;
  const { value, stddev } = scaled(entry, show);
  const digits =
    show === "MiB" || show === "s" ? 2 : show === "req/s" ? 0 : 1;
  const spread = stddev === undefined ? "" : ` ± ${stddev.toFixed(digits)}`;
  return `${value.toFixed(digits)}${spread} ${show}`;
}

const rows = METRICS.map((metric) => {
  const cells = Object.fromEntries(
    ENGINES.map((engine) => [engine, find(engine, metric.id)]),
  );
  const wharf = cells.wharf;
  const docker = cells.docker;
  const ratio =
    wharf?.value !== undefined &&
    docker?.value !== undefined &&
    docker.value > 0
      ? wharf.value / docker.value
      : undefined;
  const podmanRatio =
    cells.podman?.value !== undefined &&
    docker?.value !== undefined &&
    docker.value > 0
      ? cells.podman.value / docker.value
      : undefined;
  let met = "—";
  if (metric.target !== undefined)
    met =
      ratio === undefined
        ? "unknown"
        : (metric.higher ? ratio >= metric.target : ratio <= metric.target)
          ? "yes"
          : "no";
  return {
    metric: metric.id,
    label: metric.label.replaceAll("{n}", n),
    cells: Object.fromEntries(
      ENGINES.map((engine) => [engine, cell(cells[engine], metric.show)]),
    ),
    ratio,
    podmanRatio,
    target:
      metric.target === undefined
        ? "—"
        : metric.higher
          ? `≥ ${metric.target}`
          : `≤ 1/${Math.round(1 / metric.target)}`,
    met,
  };
});

const escape = (text) => String(text).replaceAll("|", "\\|");
const header = [
  "metric",
  "wharf",
  "docker",
  "podman",
  "wharf/docker",
  "target",
  "met?",
];
const table = [
  `| ${header.join(" | ")} |`,
  `|${header.map(() => "---").join("|")}|`,
  ...rows.map(
    (row) =>
      `| ${[
        row.label,
        row.cells.wharf,
        row.cells.docker,
        row.cells.podman,
        row.ratio === undefined ? "—" : row.ratio.toFixed(2),
        row.target,
        row.met,
      ]
        .map(escape)
        .join(" | ")} |`,
  ),
].join("\n");

const notes = [
  `Network: every container ran with \`--network ${meta.network}\` on every engine` +
    (meta.network === "bridge"
      ? " (Docker on a private bridge without iptables rules; wharf on its own default bridge with its nft table; Podman with --network none, since its bridge changes host firewall rules)."
      : "."),
  `Timings: hyperfine, ${meta.warmup} warm-up + ${meta.runs} runs, mean ± stddev, through the Docker CLI ` +
    `(podman through its own CLI). Supervisors: containerd-shim-runc-v2 (Docker), conmon (wharf, Podman).`,
  `Daemons: dockerd + containerd (Docker), node wharfd (wharf); Podman has none. ` +
    `Ratio = wharf / docker (lower is better).`,
  `Versions: ${meta.docker_cli}; ${meta.dockerd}; ${meta.containerd}; ${meta.podman}; ${meta.crun}; ` +
    `${meta.runc}; ${meta.conmon}; node ${meta.node}; wharf ${meta.wharf}; kernel ${meta.kernel}, ${meta.cpus} CPUs.`,
];
const markdown = `# wharf bench ${meta.started}\n\n${table}\n\n${notes.map((note) => `- ${note}`).join("\n")}\n`;

console.log(`\n${table}\n`);
for (const note of notes) console.log(`- ${note}`);
writeFileSync(`${prefix}.md`, markdown);
writeFileSync(
  `${prefix}.json`,
  JSON.stringify({ meta, rows, results }, null, 2) + "\n",
);
console.log(`\nwrote ${prefix}.json and ${prefix}.md`);
