/**
 * Wire JSON the client reads and writes, PascalCase exactly as Docker sends
 * it. Shapes already in src/api/ are re-exported; the rest are the minimal
 * subsets the CLI reads (unknown fields pass through untouched).
 */
export type {
  ContainerConfig,
  ContainerCreateBody,
  ContainerCreateResponse,
  ContainerInspect,
  ContainerPruneResponse,
  ContainerState,
  ContainerSummary,
  ContainerTopResponse,
  ContainerUpdateBody,
  ContainerUpdateResponse,
  ContainerWaitResponse,
  ExecCreateBody,
  ExecInspect,
  HostConfig,
  MountPoint,
  MountSpec,
} from "../api/containers.ts";
export type {
  Volume,
  VolumeCreateBody,
  VolumeListResponse,
  VolumePruneResponse,
} from "../api/volumes.ts";
export type {
  ImageDeleteItem,
  ImageHistoryItem,
  ImageInspect,
  ImagePruneResponse,
  ImageSummary,
} from "../api/images.ts";
export type { EventMessage } from "../api/events.ts";
export type { ContainerStatsResponse } from "../api/stats.ts";
import type { MountPoint } from "../api/containers.ts";

/** GET /version. */
export type SystemVersion = {
  Platform?: { Name: string };
  Components?: {
    Name: string;
    Version: string;
    Details?: Record<string, string>;
  }[];
  Version: string;
  ApiVersion: string;
  MinAPIVersion?: string;
  GitCommit: string;
  GoVersion: string;
  Os: string;
  Arch: string;
  KernelVersion?: string;
  Experimental?: boolean;
  BuildTime?: string;
  [key: string]: unknown;
};

/** GET /info (the fields `info` prints; the rest is kept). */
export type SystemInfo = {
  ID: string;
  Containers: number;
  ContainersRunning: number;
  ContainersPaused: number;
  ContainersStopped: number;
  Images: number;
  Driver: string;
  DriverStatus: [string, string][] | null;
  Plugins?: {
    Volume?: string[] | null;
    Network?: string[] | null;
    Log?: string[] | null;
  };
  MemoryLimit?: boolean;
  SwapLimit?: boolean;
  CgroupDriver?: string;
  CgroupVersion?: string;
  LoggingDriver?: string;
  KernelVersion: string;
  OperatingSystem: string;
  OSType: string;
  Architecture: string;
  NCPU: number;
  MemTotal: number;
  DockerRootDir: string;
  Name: string;
  Labels: string[] | null;
  ServerVersion: string;
  Runtimes?: Record<string, unknown>;
  DefaultRuntime?: string;
  Debug?: boolean;
  Experimental?: boolean;
  LiveRestoreEnabled?: boolean;
  Warnings?: string[] | null;
  [key: string]: unknown;
};

/** GET /system/df. */
export type DiskUsage = {
  LayersSize: number;
  Images: ImageUsage[] | null;
  Containers: ContainerUsage[] | null;
  Volumes: VolumeUsage[] | null;
  BuildCache: BuildCacheUsage[] | null;
};
/** An image row of /system/df. */
export type ImageUsage = {
  Id: string;
  RepoTags: string[] | null;
  Created: number;
  Size: number;
  SharedSize: number;
  Containers: number;
};
/** A container row of /system/df. */
export type ContainerUsage = {
  Id: string;
  Names: string[];
  Image: string;
  Command: string;
  Created: number;
  State: string;
  Status: string;
  SizeRw?: number;
  SizeRootFs?: number;
  Mounts?: MountPoint[];
};
/** A volume row of /system/df. */
export type VolumeUsage = {
  Name: string;
  Driver?: string;
  Mountpoint?: string;
  UsageData?: { Size: number; RefCount: number } | null;
  Labels?: Record<string, string> | null;
};
/** A build cache row of /system/df. */
export type BuildCacheUsage = {
  ID: string;
  Type?: string;
  Size: number;
  InUse: boolean;
  Shared: boolean;
  CreatedAt?: string;
  LastUsedAt?: string | null;
  UsageCount?: number;
  Description?: string;
};

/** Filters as the API takes them: name → accepted values. */
export type Filters = Record<string, string[]>;
