import type { RouteName } from "../protocol/paths.ts";
import type { Action } from "./auth/access.ts";
import type { Context } from "./context.ts";
import type { Services } from "./services.ts";
import { deleteBlob, getBlob } from "./handlers/blobs.ts";
import {
  deleteManifest,
  getManifest,
  putManifest,
} from "./handlers/manifests.ts";
import { getCatalog, getReferrers, getTagsList } from "./handlers/lists.ts";
import {
  deleteBlobUpload,
  getBlobUpload,
  patchBlobUpload,
  postBlobUpload,
  putBlobUpload,
} from "./handlers/uploads.ts";

/** A handler and the access it needs on the route's repository. */
export type RouteHandler = {
  handle: (ctx: Context, svc: Services) => Promise<void>;
  /** Action needed on <name>; "catalog" for _catalog, undefined for /v2/. */
  action?: Action | "catalog";
};

/**
 * The route table: route → method → handler. Status codes per route are on
 * each handler. A method missing here answers 405 UNSUPPORTED.
 */
export const routeTable: Record<RouteName, Record<string, RouteHandler>> = {
  base: {}, // served by app.ts itself: 200 {} or 401
  catalog: { GET: { handle: getCatalog, action: "catalog" } },
  tags: { GET: { handle: getTagsList, action: "pull" } },
  manifest: {
    GET: { handle: getManifest, action: "pull" },
    HEAD: { handle: getManifest, action: "pull" },
    PUT: { handle: putManifest, action: "push" },
    DELETE: { handle: deleteManifest, action: "delete" },
  },
  blob: {
    GET: { handle: getBlob, action: "pull" },
    HEAD: { handle: getBlob, action: "pull" },
    DELETE: { handle: deleteBlob, action: "delete" },
  },
  uploadStart: { POST: { handle: postBlobUpload, action: "push" } },
  upload: {
    GET: { handle: getBlobUpload, action: "push" },
    PATCH: { handle: patchBlobUpload, action: "push" },
    PUT: { handle: putBlobUpload, action: "push" },
    DELETE: { handle: deleteBlobUpload, action: "push" },
  },
  referrers: { GET: { handle: getReferrers, action: "pull" } },
};
