import type { ContainerConfig } from "../../oci/image.ts";
import type { KeyedLock } from "../../util/lock.ts";
import type { Logger } from "../../util/log.ts";
import type { Credentials } from "../../registry/client/auth.ts";
import type { ImageService, Instruction } from "../images/index.ts";
import type { BuildCache } from "./cache.ts";
import type { BuildContext } from "./context.ts";
import type { BuildContainers } from "./contract.ts";
import type { BuildParameters } from "../../api/build.ts";
import type { DockerIgnore } from "../../conventions/dockerignore.ts";

/** The classic POST /build parameters, with the engine's credentials and cancellation. */
export type BuildOptions = BuildParameters & {
  /** X-Registry-Config: credentials by registry, for FROM images pulled. */
  registryAuths: Record<string, Credentials>;
  signal?: AbortSignal;
};

/** One JSON line of /build's output (Docker's jsonmessage). */
export type BuildMessage = {
  stream?: string;
  /** A FROM's pull progress, as POST /images/create streams it. */
  status?: string;
  id?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  aux?: unknown;
  error?: string;
  errorDetail?: { code?: number; message: string };
};

/** What the steps of one build share. */
export type BuildDeps = {
  images: ImageService;
  containers: BuildContainers;
  cache: BuildCache;
  /** The builder's directory (<data-root>/builder). */
  dir: string;
  /**
   * Held per cache key while a step that looked the cache up is made, so
   * two builds of the same step at once make it once: the second waits,
   * then finds the first's image in the cache.
   */
  steps: KeyedLock;
  /** Records a build container kept by rm=false/forcerm=false, so start-up cleaning leaves it. */
  keep: (containerId: string) => Promise<void>;
  log: Logger;
};

/** One build in progress: its context, options, output and variables. */
export type BuildJob = {
  deps: BuildDeps;
  options: BuildOptions;
  /** The build context: its index, and its files on disk as steps need them. */
  context: BuildContext;
  ignore: DockerIgnore | undefined;
  escape: string;
  emit: (m: BuildMessage) => void;
  /** Meta ARGs (before the first FROM) with their values. */
  metaArgs: Map<string, string>;
  /** Build args some ARG consumed (for the "not consumed" warning). */
  usedArgs: Set<string>;
  /** The image a stage produced, by stage index (awaited by COPY --from, FROM <stage>). */
  stageImage: (ref: string) => Promise<string> | undefined;
  signal: AbortSignal;
  /** Image of an empty root filesystem for FROM scratch. */
  scratch: () => Promise<string>;
};

/** The evolving state of one stage. */
export type StageState = {
  imageId: string;
  config: ContainerConfig;
  /** ARGs declared in this stage and their values (undefined = declared, no value). */
  args: Map<string, string | undefined>;
  cmdSet: boolean;
  author?: string;
};

/** RUN as typed by the parser. */
export type RunInstruction = Extract<Instruction, { kind: "RUN" }>;
/** COPY/ADD as typed by the parser. */
export type CopyInstruction = Extract<Instruction, { kind: "COPY" | "ADD" }>;
