// Appends one measurement (or failure, or run fact) to the bench's JSON-lines file.
// run.sh calls this after every step; report.mjs reads the file at the end.
//
//   record.mjs FILE ENGINE METRIC value VALUE UNIT [NOTE]   a plain number
//   record.mjs FILE ENGINE METRIC hyperfine JSON [NOTE]      mean/stddev (s → ms) from hyperfine --export-json
//   record.mjs FILE ENGINE METRIC failed MESSAGE             the step ran and failed
//   record.mjs FILE ENGINE METRIC skipped REASON             the step could not run (engine absent, earlier failure)
//   record.mjs FILE meta KEY VALUE                           a fact about the run (versions, host)
import { appendFileSync, readFileSync } from "node:fs";

const [file, engine, metric, kind, a, b, c] = process.argv.slice(2);
if (!file || !engine || !metric) {
  console.error(
    "usage: record.mjs FILE ENGINE METRIC (value|hyperfine|failed|skipped) ...",
  );
  process.exit(2);
}

/** Keeps one line of text: the report is a table. */
const oneLine = (text) =>
  String(text ?? "")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 200);

let entry;
if (engine === "meta") {
  entry = { meta: metric, value: oneLine(kind) };
} else if (kind === "value") {
  const value = Number(a);
  entry = Number.isFinite(value)
    ? {
        engine,
        metric,
        value,
        unit: b ?? "",
        ...(c ? { note: oneLine(c) } : {}),
      }
    : {
        engine,
        metric,
        status: "failed",
        error: `not a number: ${oneLine(a)}`,
      };
} else if (kind === "hyperfine") {
  // hyperfine reports seconds; the table shows milliseconds.
  const result = JSON.parse(readFileSync(a, "utf8")).results[0];
  entry = {
    engine,
    metric,
    value: result.mean * 1000,
    unit: "ms",
    stddev: result.stddev * 1000,
    median: result.median * 1000,
    min: result.min * 1000,
    max: result.max * 1000,
    runs: result.times.length,
    ...(b ? { note: oneLine(b) } : {}),
  };
} else if (kind === "failed" || kind === "skipped") {
  entry = {
    engine,
    metric,
    status: kind,
    error: oneLine(a) || "unknown error",
  };
} else {
  console.error(`record.mjs: unknown kind ${kind}`);
  process.exit(2);
}
appendFileSync(file, JSON.stringify(entry) + "\n");
