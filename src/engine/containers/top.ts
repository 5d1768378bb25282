import type { ContainerTopResponse } from "../../api/containers.ts";
import { execFile } from "../../util/exec.ts";
import { InvalidArgumentError } from "../../util/errors.ts";
import type { ContainerDeps } from "./deps.ts";
import { checkRunning } from "./record.ts";

/** docker top. Throws ConflictError unless running. */
export async function containerTop(
  core: Pick<ContainerDeps, "store" | "runtime">,
  ref: string,
  psArgs?: string,
): Promise<ContainerTopResponse> {
  const r = core.store.resolve(ref);
  checkRunning(r);
  return top(await core.runtime.pids(r.id), psArgs);
}

/**
 * Runs the host's `ps` with Docker's default "-ef" (or psArgs) and keeps
 * the rows of the container's pids, as moby's ContainerTop does. Throws
 * InvalidArgumentError when ps fails or prints no PID column.
 */
export async function top(
  pids: number[],
  psArgs = "-ef",
): Promise<ContainerTopResponse> {
  const args = psArgs.trim() ? psArgs.trim().split(/\s+/) : [];
  const r = await execFile("ps", args);
  if (r.code !== 0)
    throw new InvalidArgumentError(
      `ps: ${r.stderr.trim() || `exit status ${r.code}`}`,
    );
  return parsePs(r.stdout, new Set(pids));
}

/** Parses ps output into Docker's {Titles, Processes}, keeping only pids. */
export function parsePs(
  output: string,
  pids: Set<number>,
): ContainerTopResponse {
  const lines = output.split("\n").filter((l) => l.trim() !== "");
  const titles = (lines[0] ?? "").trim().split(/\s+/);
  const pidIndex = titles.indexOf("PID");
  if (pidIndex < 0)
    throw new InvalidArgumentError("Couldn't find PID field in ps output");
  const processes: string[][] = [];
  for (const line of lines.slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (!pids.has(Number(fields[pidIndex]))) continue;
    // The last column (CMD/COMMAND) may hold spaces: keep it whole.
    const head = fields.slice(0, titles.length - 1);
    head.push(fields.slice(titles.length - 1).join(" "));
    processes.push(head);
  }
  return { Titles: titles, Processes: processes };
}
