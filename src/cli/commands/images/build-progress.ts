/**
 * How `wharf build` shows the legacy builder's output. `plain` writes the
 * daemon's text as the Docker CLI does ("Step N/M : …", " ---> …"), for
 * scripts that read it. `tty` folds it into one line per step with its
 * cache hit and its time, the step's own output indented below it.
 * `rawjson` writes the daemon's JSON messages as they come.
 */
import type { JsonMessage } from "../../../client/index.ts";

/** Display modes of `--progress` (`auto` is resolved before). */
export type ProgressMode = "plain" | "tty" | "rawjson" | "quiet";

type Out = NodeJS.WritableStream;

/** Consumes the build's messages for one display mode. */
export class BuildProgress {
  #mode: ProgressMode;
  #out: Out;
  #now: () => number;
  #partial = "";
  #step: { started: number; cached: boolean; open: boolean } | undefined;

  constructor(mode: ProgressMode, out: Out, now: () => number = Date.now) {
    this.#mode = mode;
    this.#out = out;
    this.#now = now;
  }

  /** One message from the daemon (errors are the caller's). */
  message(msg: JsonMessage): void {
    if (this.#mode === "rawjson") {
      this.#out.write(`${JSON.stringify(msg)}\n`);
      return;
    }
    if (msg.stream === undefined) return;
    if (this.#mode === "plain") {
      this.#out.write(msg.stream);
      return;
    }
    if (this.#mode === "quiet") return;
    const text = this.#partial + msg.stream;
    const lines = text.split("\n");
    this.#partial = lines.pop() ?? "";
    for (const line of lines) this.#line(line);
  }

  /** The stream ended (or failed): closes the open step. */
  end(failed = false): void {
    if (this.#mode !== "tty") return;
    if (this.#partial) this.#line(this.#partial);
    this.#partial = "";
    this.#finishStep(failed ? "ERROR" : "");
  }

  #line(line: string): void {
    const step = /^Step (\d+\/\d+) : (.*)$/.exec(line);
    if (step) {
      this.#finishStep("");
      this.#out.write(`[${step[1]}] ${step[2]}`);
      this.#step = { started: this.#now(), cached: false, open: true };
      return;
    }
    if (/^ ---> Using cache$/.test(line)) {
      if (this.#step) this.#step.cached = true;
      return;
    }
    // The builder's own bookkeeping lines are what the step summary replaces.
    if (
      /^ ---> /.test(line) ||
      /^Removing intermediate container /.test(line) ||
      line === ""
    )
      return;
    if (/^Successfully (built|tagged) /.test(line)) {
      this.#finishStep("");
      this.#out.write(`${line}\n`);
      return;
    }
    if (this.#step?.open) {
      this.#out.write("\n");
      this.#step.open = false;
    }
    this.#out.write(`    ${line}\n`);
  }

  #finishStep(state: string): void {
    const s = this.#step;
    if (!s) return;
    this.#step = undefined;
    const secs = ((this.#now() - s.started) / 1000).toFixed(1);
    const what = state || (s.cached ? "CACHED" : "DONE");
    this.#out.write(`${s.open ? "  " : "    => "}${what} ${secs}s\n`);
  }
}
