import type { Readable } from "node:stream";
import type { BuildResources } from "../../api/build.ts";

/**
 * What a RUN step needs from the container lifecycle. The builder declares
 * it narrowly so it does not depend on how engine/containers is organised;
 * daemon/wire.ts adapts ContainerService's public verbs (create, start,
 * logs, wait, remove) to it. Build containers are ordinary containers
 * (they show in `ps -a` while they run) carrying the BUILD_LABEL label, so
 * the builder can find and remove leftovers at daemon start.
 */
export interface BuildContainers {
  /**
   * Creates a container from imageId with the given process and options,
   * runs it to its end while passing its output to onOutput (raw bytes,
   * stdout and stderr in the order the container wrote them, each chunk
   * marked with its stream), and resolves with its id and exit code. An
   * aborted signal (before or after the start) kills the process. The
   * container is left stopped: the caller commits and removes it.
   */
  run(
    spec: RunSpec,
    options: RunOptions,
  ): Promise<{ id: string; exitCode: number }>;
  /**
   * A stopped container's writable layer as a tar diff, as `docker commit`
   * takes it: the runtime's mount targets (/dev, /etc/hosts, …) and the
   * container's mounts left out, owners as the image sees them.
   */
  diff(id: string): Promise<Readable>;
  /** Removes a container, forcibly; no-op when it is already gone. */
  remove(id: string): Promise<void>;
  /** Ids of containers carrying BUILD_LABEL (leftovers of earlier daemons). */
  leftovers(): Promise<string[]>;
}

/** The label on every build container. */
export const BUILD_LABEL = "org.wharf.build";

/** The process and container settings of one RUN step. */
export type RunSpec = {
  imageId: string;
  /** The full command: the shell plus the RUN text, or the exec form. */
  cmd: string[];
  env: string[];
  workingDir: string;
  user: string;
  /** "default" (the bridge), "none" or "host". */
  network: string;
  /** Bind mounts: the cache/tmpfs/bind mounts of RUN --mount. */
  mounts: {
    type: "bind" | "tmpfs";
    source: string;
    target: string;
    readOnly: boolean;
  }[];
  extraHosts: string[];
  resources: BuildResources;
  labels: Record<string, string>;
};

/** Per-run callbacks and cancellation. */
export type RunOptions = {
  onOutput: (chunk: Buffer, stream: "stdout" | "stderr") => void;
  /** Called with the container id once created, before it starts. */
  onCreated: (id: string) => void;
  signal?: AbortSignal;
};
