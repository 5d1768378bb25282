// Times N writeJsonAtomic calls (default 50) of a container-record-sized
// JSON into a temp dir, repeated R times (default 5); prints each run and
// the median in ms. Run: node --import tsx bench/atomic-write.ts [N] [R] [dir]
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeJsonAtomic } from "../src/util/fs.ts";

const n = Number(process.argv[2] ?? 50);
const runs = Number(process.argv[3] ?? 5);
const dir = await mkdtemp(join(process.argv[4] ?? tmpdir(), "atomic-bench-"));
const record = { schema: 1, id: "x".repeat(64), pad: "y".repeat(4000) };
const times: number[] = [];
try {
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++)
      await writeJsonAtomic(join(dir, `r${i % 5}.json`), { ...record, i });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
times.sort((a, b) => a - b);
console.log(
  `${n} writeJsonAtomic calls, ${runs} runs (ms): ${times.map((t) => t.toFixed(1)).join(" ")}; median ${times[Math.floor(runs / 2)]!.toFixed(1)}`,
);
