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

/** The query of POST /images/create?fromSrc=… (docker import): the source and the new image. */
export type ImageImportOptions = {
  /** `-` to read the request body, or an http(s) URL the daemon fetches. */
  fromSrc: string;
  repo?: string;
  tag?: string;
  message?: string;
  /** Dockerfile instructions applied to the config (`--change`). */
  changes?: string[];
  platform?: string;
};

/** One row of GET /images/search (moby's registry.SearchResult, as a registry's v1 search sends it). */
export type ImageSearchResult = {
  name: string;
  description: string;
  star_count: number;
  is_official: boolean;
  is_automated: boolean;
};
