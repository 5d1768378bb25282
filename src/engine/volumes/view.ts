import type { Volume } from "../../api/volumes.ts";
import type { VolumeRecord } from "./store.ts";

/** compat: the label Docker 23+ puts on anonymous volumes (prune's default set). */
export const ANONYMOUS_LABEL = "com.docker.volume.anonymous";

/** The wire JSON of a volume: Docker's field order; null Labels/Options when empty. */
export function volumeView(
  r: VolumeRecord,
  o: {
    mountpoint: string;
    scope: "local" | "global";
    status?: Record<string, unknown>;
    usage?: { Size: number; RefCount: number };
  },
): Volume {
  const v: Volume = {
    CreatedAt: r.createdAt,
    Driver: r.driver,
    // compat: Docker sends null, not {}, for no labels or options.
    Labels: Object.keys(r.labels).length ? r.labels : null,
    Mountpoint: o.mountpoint,
    Name: r.name,
    Options: Object.keys(r.options).length ? r.options : null,
    Scope: o.scope,
  };
  if (o.status) v.Status = o.status;
  if (o.usage) v.UsageData = o.usage;
  return v;
}
