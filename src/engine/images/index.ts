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
