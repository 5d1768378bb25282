/**
 * Engine API wire types for /volumes (API v1.50, field names exactly as
 * Docker sends them).
 */

/** A volume as inspect, list and create answer it. */
export type Volume = {
  CreatedAt?: string;
  Driver: string;
  Labels: Record<string, string> | null;
  Mountpoint: string;
  Name: string;
  Options: Record<string, string> | null;
  Scope: "local" | "global";
  /** Driver-reported details (plugins' Get Status); absent when none. */
  Status?: Record<string, unknown>;
  /** Only in /system/df: Size in bytes (-1 unknown) and the containers referencing it. */
  UsageData?: { Size: number; RefCount: number } | null;
};

/** Body of POST /volumes/create. */
export type VolumeCreateBody = {
  Name?: string;
  Driver?: string;
  DriverOpts?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
};

/** 200 body of GET /volumes. */
export type VolumeListResponse = {
  Volumes: Volume[];
  /** compat: Docker sends null when there are none. */
  Warnings: string[] | null;
};

/** 200 body of POST /volumes/prune. */
export type VolumePruneResponse = {
  VolumesDeleted: string[] | null;
  SpaceReclaimed: number;
};
