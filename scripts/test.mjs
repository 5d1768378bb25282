// Runs node:test over TypeScript test files through the tsx loader.
// `unit`: src/**/*.test.ts (no root). `integration`: test/**/*.test.ts (root, crun).
// `all`: both. Node 20's --test does not expand globs, so files are listed here.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) find(path, out);
    else if (name.endsWith(".test.ts")) out.push(path);
  }
  return out;
}
const kind = process.argv[2] ?? "all";
const only = process.argv.slice(3);
const roots =
  kind === "unit"
    ? ["src"]
    : kind === "integration"
      ? ["test"]
      : ["src", "test"];
let files = roots.flatMap((r) => find(r)).sort();
if (only.length) files = files.filter((f) => only.some((o) => f.includes(o)));
const concurrency = kind === "unit" ? [] : ["--test-concurrency=1"];
const r = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", ...concurrency, ...files],
  { stdio: "inherit" },
);
process.exit(r.status ?? 1);
