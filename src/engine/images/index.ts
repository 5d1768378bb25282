export type {
  ImageProvider,
  ImageRuntimeConfig,
  ResolvedImage,
  RootfsPaths,
} from "./contract.ts";
export { ImageService } from "./service.ts";
export type { ListOptions } from "./list.ts";
export type { ImportOptions } from "./import.ts";
export type { CommitOptions } from "./commit.ts";
export { applyChanges } from "./changes.ts";
export type { UsageCheck } from "./remove.ts";
export {
  REGISTRY_KEYS,
  registryInfo,
  registryOptions,
  type RegistryOptions,
} from "./registry-config.ts";
export {
  parseDockerfile,
  parseError,
  type Dockerfile,
  type DockerfileNode,
  type Heredoc,
} from "./dockerfile/parser.ts";
export {
  toInstruction,
  type Instruction,
  type CommandForm,
} from "./dockerfile/instructions.ts";
export {
  addDefaultPath,
  applyConfig,
  CONFIG_INSTRUCTIONS,
  DEFAULT_SHELL,
} from "./dockerfile/config.ts";
export { expandWord, expandWords, envMap } from "./dockerfile/expand.ts";
