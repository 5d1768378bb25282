export { NetworkService } from "./service.ts";
export { Sandboxes, type PreparedNetwork } from "./sandboxes.ts";
export { networkOptions, NETWORK_KEYS, type NetworkOptions } from "./config.ts";
export type {
  ContainerLookup,
  DonorResolver,
  GatewayListener,
  NetContainer,
} from "./core.ts";
