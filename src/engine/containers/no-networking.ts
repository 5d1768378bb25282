import type { ContainerNetworking, PreparedNetwork } from "./deps.ts";
import { donorNamespace } from "./contracts.ts";
import type { ContainerRecord } from "./record.ts";
import type { ContainerStore } from "./store.ts";

/**
 * The networking used without a network service (unit tests): host and
 * none are honoured, container:<ref> joins that container's netns, and
 * bridge runs as none with a warning.
 */
export class NoNetworking implements ContainerNetworking {
  #store: ContainerStore;

  constructor(store: ContainerStore) {
    this.#store = store;
  }

  async create(r: ContainerRecord): Promise<string[]> {
    const mode = r.hostConfig.NetworkMode;
    if (mode === "none" || mode === "host" || mode.startsWith("container:"))
      return [];
    return [
      "bridge networking is not available: container runs without network (as --network none)",
    ];
  }

  async prepare(r: ContainerRecord): Promise<PreparedNetwork> {
    const mode = r.hostConfig.NetworkMode;
    if (mode === "host") return { netns: "host" };
    if (mode.startsWith("container:"))
      return { netns: donorNamespace(this.#store, mode, "net").path };
    return { netns: undefined };
  }

  async release(): Promise<void> {}

  async remove(): Promise<void> {}

  view(): undefined {
    return undefined;
  }
}
