import type { ContainerConfig } from "../../oci/image.ts";
import { InvalidArgumentError } from "../../util/errors.ts";
import {
  addDefaultPath,
  applyConfig,
  CONFIG_INSTRUCTIONS,
  expandWord,
  parseDockerfile,
  toInstruction,
  type DockerfileNode,
  type Instruction,
} from "../images/index.ts";
import { copyStep } from "./copy-step.ts";
import { runStep } from "./run-step.ts";
import {
  commitConfig,
  short,
  stageVars,
  cachedStep,
  givenProxyArgs,
} from "./step.ts";
import { commitInRootfs } from "./rootfs.ts";
import type { BuildJob, StageState } from "./types.ts";
import { resolveDirInRoot } from "../../storage/archive/scoped-path.ts";
import { baseImage } from "./base-image.ts";

/** One stage of a Dockerfile: its FROM and the steps after it. */
export type Stage = {
  index: number;
  name?: string;
  from: Extract<Instruction, { kind: "FROM" }>;
  fromNode: DockerfileNode;
  steps: { node: DockerfileNode; instruction: Instruction; number: number }[];
  fromNumber: number;
};

/**
 * Builds one stage: FROM (a local image, an earlier stage or scratch),
 * the base image's ONBUILD triggers, then each step with Docker's
 * semantics and cache rules. Prints "Step N/M : …" lines. Returns the
 * stage's image id.
 */
export async function buildStage(
  job: BuildJob,
  stage: Stage,
  total: number,
): Promise<string> {
  job.emit({
    stream: `Step ${stage.fromNumber}/${total} : ${stage.fromNode.original}\n`,
  });
  const base = expandWord(stage.from.image, job.metaArgs, job.escape);
  let imageId: string;
  if (base === "scratch") imageId = await job.scratch();
  else {
    const fromStage = job.stageImage(base);
    imageId = fromStage ? await fromStage : await baseImage(job, base);
  }
  const cfg = job.deps.images.store.config(imageId);
  const s: StageState = {
    imageId,
    config: structuredClone(cfg.config ?? {}),
    args: new Map(),
    cmdSet: false,
  };
  addDefaultPath(s.config);
  for (const [k, v] of givenProxyArgs(job)) s.args.set(k, v);
  job.emit({ stream: ` ---> ${short(imageId)}\n` });
  const triggers = s.config.OnBuild ?? [];
  if (triggers.length) {
    job.emit({
      stream: `# Executing ${triggers.length} build trigger${triggers.length > 1 ? "s" : ""}\n`,
    });
    s.config.OnBuild = null;
    for (const t of triggers) {
      const node = parseDockerfile(t, { file: "ONBUILD" }).nodes[0]!;
      await runInstruction(job, s, node, toInstruction("ONBUILD", node));
    }
  }
  for (const step of stage.steps) {
    if (job.signal.aborted) throw new InvalidArgumentError("build cancelled");
    job.emit({
      stream: `Step ${step.number}/${total} : ${step.node.original}\n`,
    });
    await runInstruction(job, s, step.node, step.instruction);
  }
  return s.imageId;
}

async function runInstruction(
  job: BuildJob,
  s: StageState,
  node: DockerfileNode,
  ins: Instruction,
): Promise<void> {
  const nop = (text: string): string => `/bin/sh -c #(nop)  ${text}`;
  switch (ins.kind) {
    case "RUN":
      return runStep(job, s, ins);
    case "COPY":
    case "ADD":
      return copyStep(job, s, ins);
    case "ARG":
      for (const a of ins.args) {
        const given = job.options.buildArgs[a.name];
        job.usedArgs.add(a.name);
        const value =
          typeof given === "string"
            ? given
            : a.value !== undefined
              ? expandWord(a.value, stageVars(s), job.escape)
              : job.metaArgs.get(a.name);
        s.args.set(a.name, value);
      }
      return commitConfig(
        job,
        s,
        nop(node.original.replace(/^\S+/, "ARG")),
        s.config,
      );
    case "MAINTAINER":
      s.author = expandWord(ins.text, stageVars(s), job.escape);
      return commitConfig(job, s, nop(`MAINTAINER ${s.author}`), s.config);
    case "WORKDIR":
      return workdir(job, s, node, ins);
    default: {
      if (!CONFIG_INSTRUCTIONS.has(ins.kind))
        throw new InvalidArgumentError(`unsupported instruction ${ins.kind}`);
      const config: ContainerConfig = structuredClone(s.config);
      applyConfig(config, ins, {
        vars: stageVars(s),
        escape: job.escape,
        cmdSet: s.cmdSet,
      });
      if (ins.kind === "CMD") s.cmdSet = true;
      return commitConfig(
        job,
        s,
        nop(`${ins.kind} ${historyArgs(config, ins, node)}`),
        config,
      );
    }
  }
}

/** The legacy builder's history text of a config instruction. */
function historyArgs(
  c: ContainerConfig,
  ins: Instruction,
  node: DockerfileNode,
): string {
  switch (ins.kind) {
    case "CMD":
      return JSON.stringify(c.Cmd ?? []);
    case "ENTRYPOINT":
      return JSON.stringify(c.Entrypoint ?? []);
    case "SHELL":
      return JSON.stringify(c.Shell ?? []);
    default:
      return node.original.replace(/^\S+\s*/, "");
  }
}

/** WORKDIR: sets the config and creates the directory when the image lacks it. */
async function workdir(
  job: BuildJob,
  s: StageState,
  node: DockerfileNode,
  ins: Instruction,
): Promise<void> {
  const config = structuredClone(s.config);
  applyConfig(config, ins, {
    vars: stageVars(s),
    escape: job.escape,
    cmdSet: s.cmdSet,
  });
  const createdBy = `/bin/sh -c #(nop) WORKDIR ${config.WorkingDir!}`;
  await cachedStep(job, s, {
    createdBy,
    config,
    make: () =>
      commitInRootfs(
        job.deps.images,
        job.deps.dir,
        { parentImageId: s.imageId, config, createdBy },
        async (merged) => {
          // Resolved inside the rootfs: a symlink in the image never leads out.
          const parts = config.WorkingDir!.split("/").filter(Boolean);
          const exists = await resolveDirInRoot(merged, parts, {
            create: false,
          }).then(
            () => true,
            () => false,
          );
          if (!exists) await resolveDirInRoot(merged, parts, { create: true });
        },
      ),
  });
  void node;
}
