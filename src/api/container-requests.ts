import type { ContainerConfig } from "./containers.ts";

/**
 * The parsed query options of the container routes that take more than a
 * flag or two, shared by the route backends (server/routes) and the verbs
 * (engine/containers) so both speak one type.
 */

/** Query of GET /containers/{id}/logs, parsed. */
export type LogsOptions = {
  follow: boolean;
  stdout: boolean;
  stderr: boolean;
  /** Nanoseconds since the epoch; 0n = from the start. */
  since: bigint;
  /** Nanoseconds since the epoch; 0n = no end. */
  until: bigint;
  /** Number of last lines, or "all". */
  tail: number | "all";
  timestamps: boolean;
  /** `docker logs --details`: each line after its attributes and a space. */
  details?: boolean;
};

/**
 * What a logs request gets: the container's tty flag (the route picks the
 * content type from it) and a writer streaming to `out` until done.
 */
export type LogsStream = {
  tty: boolean;
  write: (
    out: { write(chunk: Buffer): void },
    signal: AbortSignal,
  ) => Promise<void>;
};

/** Query of POST /containers/{id}/attach, parsed. */
export type AttachOptions = {
  stream: boolean;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  logs: boolean;
  detachKeys: string | undefined;
};

/** POST /commit's query options plus the body's config overrides. */
export type CommitOptions = {
  repo?: string;
  tag?: string;
  author?: string;
  comment?: string;
  /** Pause a running container while its layer is read (default true). */
  pause: boolean;
  /** Dockerfile instructions (`--change`). */
  changes: string[];
  /** Config fields that override the container's (the request body). */
  config?: Partial<ContainerConfig>;
};
