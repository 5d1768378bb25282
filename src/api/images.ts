/** Engine API wire types for /images (field names exactly as Docker sends them). */

/** One row of GET /images/json (ImageSummary). */
export type ImageSummary = {
  Id: string;
  ParentId: string;
  RepoTags: string[];
  RepoDigests: string[];
  /** Unix seconds. */
  Created: number;
  Size: number;
  /** -1 unless computed (system df, shared-size=1). */
  SharedSize: number;
  /** Deprecated; only for API < 1.44. */
  VirtualSize?: number;
  Labels: Record<string, string> | null;
  /** -1 unless computed (system df). */
  Containers: number;
};

/** GET /images/{name}/json (ImageInspect). */
export type ImageInspect = {
  Id: string;
  RepoTags: string[];
  RepoDigests: string[];
  Parent: string;
  Comment: string;
  Created: string;
  DockerVersion: string;
  Author: string;
  Config: Record<string, unknown>;
  Architecture: string;
  Variant?: string;
  Os: string;
  OsVersion?: string;
  Size: number;
  VirtualSize?: number;
  GraphDriver: { Name: string; Data: Record<string, string> | null };
  RootFS: { Type: "layers"; Layers: string[] };
  Metadata: { LastTagTime: string };
};

/** One row of GET /images/{name}/history. */
export type ImageHistoryItem = {
  Id: string;
  /** Unix seconds. */
  Created: number;
  CreatedBy: string;
  Tags: string[] | null;
  Size: number;
  Comment: string;
};

/** One row of DELETE /images/{name} and of ImagesDeleted in prune. */
export type ImageDeleteItem = { Untagged: string } | { Deleted: string };

/** POST /images/prune. */
export type ImagePruneResponse = {
  ImagesDeleted: ImageDeleteItem[] | null;
  SpaceReclaimed: number;
};
