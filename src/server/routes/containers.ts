import type { Route } from "../router.ts";
import type { ContainersBackend } from "./container-backend.ts";
import { containerInspectRoutes } from "./container-inspect.ts";
import { containerLifecycleRoutes } from "./container-lifecycle.ts";
import { containerStreamRoutes } from "./container-streams.ts";

export type {
  AttachOptions,
  ContainersBackend,
  LogsOptions,
} from "./container-backend.ts";

/**
 * The /containers route table: reads (container-inspect.ts), lifecycle
 * verbs (container-lifecycle.ts) and streams (container-streams.ts). No two
 * tables share a method and path, so their order does not matter.
 */
export function containerRoutes(b: ContainersBackend): Route[] {
  return [
    ...containerInspectRoutes(b),
    ...containerLifecycleRoutes(b),
    ...containerStreamRoutes(b),
  ];
}
