export {
  containerService,
  type ContainerService,
  type WaitCondition,
} from "./service.ts";
export type { ContainerNetworking } from "./deps.ts";
export type { AttachRequest } from "./attach.ts";
export { WHOLE_LOG, type LogsRequest } from "./logs.ts";
export { ContainerStore } from "./store.ts";
export { containerLookup, imageUsage, networkDonors } from "./contracts.ts";
