// Runs several shell-free commands in turn, round after round, the order
// reversed every other round (A B, B A, …), so a machine whose load changes
// during the run weighs on each alike (hyperfine runs all of one command
// before the next), and so does the work one engine leaves running after
// its command returns (dockerd's shim and event clean-up slowed whatever
// came right after it: always the same command in A B A B order). Prints the median
// and 10th percentile wall time per command, in ms; exits 1 when a command
// fails.
//
//   node bench/alternate.mjs ROUNDS WARMUP 'NAME=ENV=VALUE cmd arg…' …
//   e.g. node bench/alternate.mjs 20 3 "wharf=DOCKER_HOST=unix:///w.sock docker exec c true"
import { spawnSync } from "node:child_process";

const [rounds = "20", warmup = "3", ...specs] = process.argv.slice(2);
if (specs.length === 0) {
  console.error(
    "usage: alternate.mjs ROUNDS WARMUP 'NAME=[VAR=VALUE ]cmd arg…'…",
  );
  process.exit(2);
}

const commands = specs.map((spec) => {
  const eq = spec.indexOf("=");
  const words = spec
    .slice(eq + 1)
    .split(" ")
    .filter(Boolean);
  const env = { ...process.env };
  while (words.length && /^[A-Z_]+=/.test(words[0])) {
    const [k, ...v] = words.shift().split("=");
    env[k] = v.join("=");
  }
  return { name: spec.slice(0, eq), argv: words, env, times: [] };
});

function run(c) {
  const t0 = performance.now();
  const r = spawnSync(c.argv[0], c.argv.slice(1), {
    env: c.env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  const ms = performance.now() - t0;
  if (r.status !== 0) {
    console.error(`${c.name}: exit ${r.status}: ${r.stderr}`);
    process.exit(1);
  }
  return ms;
}

for (let i = 0; i < Number(warmup); i++) for (const c of commands) run(c);
for (let i = 0; i < Number(rounds); i++)
  for (const c of i % 2 ? [...commands].reverse() : commands)
    c.times.push(run(c));
for (const c of commands) {
  const t = c.times.sort((a, b) => a - b);
  const at = (q) => t[Math.min(t.length - 1, Math.floor(q * t.length))];
  console.log(
    `${c.name}: median ${at(0.5).toFixed(1)} ms, p10 ${at(0.1).toFixed(1)} ms`,
  );
}
