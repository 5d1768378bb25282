/**
 * The mount flags of `run` and `create` (-v, --mount, --tmpfs,
 * --volumes-from, --volume-driver) and their translation into
 * Config.Volumes and HostConfig.{Binds,Mounts,Tmpfs,VolumesFrom,VolumeDriver}
 * as the Docker CLI builds them.
 */
import { ramInBytes } from "../../../conventions/size.ts";
import { resolve } from "node:path";
import type { MountSpec } from "../../../client/index.ts";
import { StatusError } from "../../command.ts";
import type { FlagSpec, ParsedFlags } from "../../flags.ts";

/** The mount flags, merged into CREATE_FLAGS. */
export const MOUNT_FLAGS: FlagSpec[] = [
  {
    name: "mount",
    type: "list",
    description: "Attach a filesystem mount to the container",
    valueName: "mount",
  },
  { name: "tmpfs", type: "list", description: "Mount a tmpfs directory" },
  {
    name: "volume",
    short: "v",
    type: "list",
    description: "Bind mount a volume",
  },
  {
    name: "volume-driver",
    type: "string",
    description: "Optional volume driver for the container",
  },
  {
    name: "volumes-from",
    type: "list",
    description: "Mount volumes from the specified container(s)",
  },
];

/** Docker's RAMInBytes for tmpfs-size ("64k", "1m", bytes). */
function sizeInBytes(value: string, spec: string): number {
  try {
    return ramInBytes(value);
  } catch (err) {
    throw new StatusError(
      `invalid argument "${spec}" for "--mount" flag: ${(err as Error).message}`,
      125,
    );
  }
}

function truthy(v: string | undefined): boolean {
  return v === undefined || v === "true" || v === "1";
}

/** Parses one --mount value (CSV of key=value), as the Docker CLI's opts.MountOpt. */
export function parseMountFlag(spec: string): MountSpec {
  const m: MountSpec = { Type: "volume" };
  const bad = (why: string): StatusError =>
    new StatusError(
      `invalid argument "${spec}" for "--mount" flag: ${why}`,
      125,
    );
  const volume = (): NonNullable<MountSpec["VolumeOptions"]> =>
    (m.VolumeOptions ??= {});
  const driverConfig = (): {
    Name?: string;
    Options?: Record<string, string>;
  } => (volume().DriverConfig ??= {});
  for (const field of spec.split(",")) {
    const eq = field.indexOf("=");
    const key = (eq < 0 ? field : field.slice(0, eq)).trim().toLowerCase();
    const v = eq < 0 ? undefined : field.slice(eq + 1);
    const need = (): string => {
      if (v === undefined)
        throw bad(`invalid field '${field}' must be a key=value pair`);
      return v;
    };
    switch (key) {
      case "type":
        m.Type = need();
        break;
      case "source":
      case "src":
        m.Source = need();
        break;
      case "target":
      case "destination":
      case "dst":
        m.Target = need();
        break;
      case "readonly":
      case "ro":
        m.ReadOnly = truthy(v);
        break;
      case "consistency":
        m.Consistency = need();
        break;
      case "bind-propagation":
        (m.BindOptions ??= {}).Propagation = need();
        break;
      case "bind-nonrecursive":
        (m.BindOptions ??= {}).NonRecursive = truthy(v);
        break;
      case "volume-nocopy":
        volume().NoCopy = truthy(v);
        break;
      case "volume-subpath":
        volume().Subpath = need();
        break;
      case "volume-label": {
        const [k = "", val = ""] = need().split(/=(.*)/s);
        (volume().Labels ??= {})[k] = val;
        break;
      }
      case "volume-driver":
        driverConfig().Name = need();
        break;
      case "volume-opt": {
        const [k = "", val = ""] = need().split(/=(.*)/s);
        (driverConfig().Options ??= {})[k] = val;
        break;
      }
      case "tmpfs-size":
        (m.TmpfsOptions ??= {}).SizeBytes = sizeInBytes(need(), spec);
        break;
      case "tmpfs-mode": {
        const mode = parseInt(need(), 8);
        if (Number.isNaN(mode)) throw bad(`invalid value for tmpfs-mode: ${v}`);
        (m.TmpfsOptions ??= {}).Mode = mode;
        break;
      }
      default:
        throw bad(`unexpected key '${key}' in '${field}'`);
    }
  }
  if (!m.Target) throw bad("target is required");
  return m;
}

/** The create-body fields of the mount flags. Throws StatusError (125) on bad values. */
export function mountFields(flags: ParsedFlags): {
  Volumes: Record<string, object>;
  HostConfig: Record<string, unknown>;
} {
  const volumes: Record<string, object> = {};
  const binds: string[] = [];
  for (const raw of flags.list("volume")) {
    // compat: CLI 23+ turns ./ and ../ host paths into absolute ones.
    const v = /^\.\.?(\/|:|$)/.test(raw)
      ? resolve(raw.split(":")[0] ?? "") +
        raw.slice((raw.split(":")[0] ?? "").length)
      : raw;
    if (v.includes(":")) binds.push(v);
    else volumes[v] = {};
  }
  const tmpfs: Record<string, string> = {};
  for (const t of flags.list("tmpfs")) {
    const i = t.indexOf(":");
    tmpfs[i < 0 ? t : t.slice(0, i)] = i < 0 ? "" : t.slice(i + 1);
  }
  const hc: Record<string, unknown> = {
    Binds: binds.length ? binds : null,
    Mounts: flags.list("mount").map(parseMountFlag),
  };
  if (Object.keys(tmpfs).length) hc.Tmpfs = tmpfs;
  if (flags.list("volumes-from").length)
    hc.VolumesFrom = flags.list("volumes-from");
  const driver = flags.string("volume-driver");
  if (driver) hc.VolumeDriver = driver;
  return { Volumes: volumes, HostConfig: hc };
}
