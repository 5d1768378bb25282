/**
 * A volume driver: the built-in `local` driver or a plugin speaking
 * Docker's legacy VolumeDriver protocol. The service owns names, records
 * and reference counts; a driver owns the storage behind a name.
 *
 * Lifecycle of one volume: create(name, opts) once; then for every
 * container that starts with it mount(name, id) → host path, and
 * unmount(name, id) when that container stops; remove(name) when the
 * volume is removed. `id` is the container id, so a mount and its unmount
 * pair up across wharfd restarts. Errors are thrown as they should reach
 * the user (a plugin's "Err" text included).
 */
export interface VolumeDriver {
  readonly name: string;
  /** "local" or "global" (a plugin's Capabilities.Scope). */
  scope(): Promise<"local" | "global">;
  create(name: string, opts: Record<string, string>): Promise<void>;
  remove(name: string): Promise<void>;
  /** Makes the volume available and returns its host path. */
  mount(name: string, id: string): Promise<string>;
  unmount(name: string, id: string): Promise<void>;
  /**
   * After a wharfd restart: `ids` are the running containers that use the
   * volume. Brings the driver's mount state in line without new Mount calls
   * for what is still mounted.
   */
  restoreMounts(name: string, ids: string[]): Promise<void>;
  /** The host path while mounted ("" when the driver has none yet). */
  path(name: string): Promise<string>;
  /** Driver-side status for inspect; undefined when the driver reports none. */
  status(name: string): Promise<Record<string, unknown> | undefined>;
  /** Bytes used, -1 when unknown (only local volumes are measured). */
  usage(name: string): Promise<number>;
}
