export type { ImageProvider, ImageRuntimeConfig, ResolvedImage, RootfsPaths } from "./contract.ts";
