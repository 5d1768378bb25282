export { BuilderService } from "./service.ts";
export {
  BUILD_LABEL,
  type BuildContainers,
  type RunSpec,
  type RunOptions,
} from "./contract.ts";
export type { BuildOptions, BuildMessage } from "./types.ts";
