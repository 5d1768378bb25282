/** The client's public surface. */
export { EngineClient } from "./engine-client.ts";
export {
  ClientError,
  ConnectionError,
  Transport,
  type ClientTls,
  type TransportOptions,
} from "./transport.ts";
export { ChildSocket, dialSsh, sshArgs } from "./ssh.ts";
export {
  DEFAULT_HOST,
  parseHost,
  resolveHost,
  type HostAddress,
} from "./host.ts";
export { StdcopyDemuxer, demuxStream, encodeFrame } from "./stdcopy.ts";
export { jsonLines, progressMessages, type JsonMessage } from "./json-lines.ts";
export {
  MODE_DIR,
  MODE_SYMLINK,
  type CommitOptions,
  type FilesystemChange,
  type PathStat,
} from "./archive.ts";
export type { AttachOptions, LogsOptions } from "./containers.ts";
export type { ExecStartOptions } from "./exec.ts";
export type { StatsOptions } from "./stats.ts";
export type { ImportOptions } from "./images.ts";
export type {
  NetworkContainer,
  NetworkCreateBody,
  NetworkCreateResponse,
  NetworkEndpointConfig,
  NetworkInspect,
  NetworkIpamConfig,
  NetworkPruneResponse,
} from "./networks.ts";
export type { EventsOptions, PingResult } from "./system.ts";
export {
  encodeAuth,
  type DistributionInspect,
  type RegistryAuth,
  type SearchResult,
} from "./registry.ts";
export type * from "./types.ts";
