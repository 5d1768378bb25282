import { posix } from "node:path";
import { InvalidArgumentError } from "../../util/errors.ts";
import {
  expandWord,
  parseDockerfile,
  toInstruction,
  type Dockerfile,
} from "../images/index.ts";
import { DockerIgnore } from "../../conventions/dockerignore.ts";
import type { BuildContext } from "./context.ts";
import { buildStage, type Stage } from "./stage.ts";
import { short } from "./step.ts";
import type { BuildJob } from "./types.ts";

/** The Dockerfile and its stages, planned for a target. */
export type Plan = {
  stages: Stage[];
  /** Stages the target needs (itself included), by index. */
  needed: Set<number>;
  target: Stage;
  total: number;
  metaArgs: {
    name: string;
    value?: string;
    number: number;
    original: string;
  }[];
};

/** Reads the Dockerfile and .dockerignore (`<Dockerfile>.dockerignore` first) from the context. */
export async function readContextFiles(
  context: BuildContext,
  dockerfile: string,
): Promise<{ text: string; ignore: DockerIgnore | undefined }> {
  const rel = posix.normalize(`/${dockerfile}`).slice(1);
  const text = (await context.readFile(rel))?.toString("utf8");
  // compat: the legacy builder's text for a missing Dockerfile.
  if (text === undefined)
    throw new InvalidArgumentError(
      `Cannot locate specified Dockerfile: ${dockerfile}`,
    );
  const shared =
    (await context.readFile(`${rel}.dockerignore`)) ??
    (await context.readFile(".dockerignore"));
  return {
    text,
    ignore:
      shared === undefined ? undefined : new DockerIgnore(shared.toString()),
  };
}

/**
 * Splits a parsed Dockerfile into stages, numbers the steps the target
 * needs (the legacy builder's "Step N/M"), and finds which stages the
 * target needs: FROM <stage> and COPY --from=<stage|index> edges.
 * Throws InvalidArgumentError for an unknown target, a file without FROM,
 * or a duplicate stage name.
 */
export function planBuild(
  df: Dockerfile,
  options: { target?: string; labels: Record<string, string> },
): Plan {
  const stages: Stage[] = [];
  const metaArgs: Plan["metaArgs"] = [];
  for (const node of df.nodes) {
    const ins = toInstruction(df.file, node);
    if (ins.kind === "FROM") {
      if (ins.name && stages.some((s) => s.name === ins.name))
        throw new InvalidArgumentError(`duplicate name ${ins.name}`);
      stages.push({
        index: stages.length,
        ...(ins.name ? { name: ins.name } : {}),
        from: ins,
        fromNode: node,
        steps: [],
        fromNumber: 0,
      });
      continue;
    }
    const cur = stages[stages.length - 1];
    if (!cur) {
      if (ins.kind !== "ARG")
        throw new InvalidArgumentError(
          `${df.file}: dockerfile parse error line ${node.line}: no build stage in current context`,
        );
      for (const a of ins.args)
        metaArgs.push({ ...a, number: 0, original: node.original });
      continue;
    }
    cur.steps.push({ node, instruction: ins, number: 0 });
  }
  if (stages.length === 0)
    throw new InvalidArgumentError("No build stages in Dockerfile");
  let target = stages[stages.length - 1]!;
  if (options.target) {
    const t = stages.find((s) => s.name === options.target!.toLowerCase());
    if (!t)
      throw new InvalidArgumentError(
        `failed to reach build target ${options.target} in Dockerfile`,
      );
    target = t;
  }
  const labels = Object.entries(options.labels);
  if (labels.length) {
    // compat: the legacy builder appends --label values as a last LABEL step.
    const line = `LABEL ${labels.map(([k, v]) => `${JSON.stringify(k)}=${JSON.stringify(v)}`).join(" ")}`;
    const node = parseDockerfile(line, { file: df.file }).nodes[0]!;
    target.steps.push({
      node,
      instruction: toInstruction(df.file, node),
      number: 0,
    });
  }
  const needed = new Set<number>();
  const visit = (s: Stage): void => {
    if (needed.has(s.index)) return;
    needed.add(s.index);
    const refs = [
      s.from.image,
      ...s.steps.flatMap((st) =>
        "flags" in st.instruction &&
        typeof st.instruction.flags === "object" &&
        "from" in st.instruction.flags
          ? [st.instruction.flags.from]
          : [],
      ),
    ];
    for (const r of refs) {
      const dep = stageRef(stages, r, s.index);
      if (dep) visit(dep);
    }
  };
  visit(target);
  let n = 0;
  for (const m of metaArgs) m.number = ++n;
  for (const s of stages) {
    if (!needed.has(s.index)) continue;
    s.fromNumber = ++n;
    for (const st of s.steps) st.number = ++n;
  }
  return { stages, needed, target, total: n, metaArgs };
}

/** The earlier stage a FROM or --from names (by name or index), if any. */
export function stageRef(
  stages: Stage[],
  ref: string,
  before: number,
): Stage | undefined {
  const byName = stages.find(
    (s) => s.name === ref.toLowerCase() && s.index < before,
  );
  if (byName) return byName;
  if (/^\d+$/.test(ref)) {
    const s = stages[Number(ref)];
    if (s && s.index < before) return s;
  }
  return undefined;
}

/**
 * Runs a plan: the meta ARGs, then every needed stage at once, each
 * waiting only for the stages it uses (so independent stages build in
 * parallel). The first failure aborts the others. Returns the target's
 * image id.
 */
export async function runPlan(job: BuildJob, plan: Plan): Promise<string> {
  for (const m of plan.metaArgs) {
    job.emit({ stream: `Step ${m.number}/${plan.total} : ${m.original}\n` });
    const given = job.options.buildArgs[m.name];
    const value =
      typeof given === "string"
        ? given
        : m.value !== undefined
          ? expandWord(m.value, job.metaArgs, job.escape)
          : undefined;
    if (value !== undefined) job.metaArgs.set(m.name, value);
    job.usedArgs.add(m.name);
  }
  const results = new Map<number, Promise<string>>();
  job.stageImage = (ref) => {
    const s = stageRef(plan.stages, ref, Infinity);
    return s ? results.get(s.index) : undefined;
  };
  for (const s of plan.stages)
    if (plan.needed.has(s.index)) {
      const p = buildStage(job, s, plan.total);
      p.catch(() => undefined);
      results.set(s.index, p);
    }
  await Promise.all(results.values());
  const id = await results.get(plan.target.index)!;
  const unused = Object.keys(job.options.buildArgs).filter(
    (a) => !job.usedArgs.has(a) && !/_proxy$/i.test(a),
  );
  if (unused.length)
    job.emit({
      stream: `[Warning] One or more build-args [${unused.join(" ")}] were not consumed\n`,
    });
  job.emit({ aux: { ID: id } });
  job.emit({ stream: `Successfully built ${short(id)}\n` });
  return id;
}
