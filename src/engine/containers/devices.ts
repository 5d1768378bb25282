/**
 * Host devices a container uses: `--device` mappings (device nodes crun
 * creates plus their cgroup allow rules), `--device-cgroup-rule` and the
 * block devices of `--blkio-weight-device` / `--device-{read,write}-*`.
 * Parsing is pure; resolveHostDevices stats the host paths at start, as
 * moby does (oci/devices_linux.go, daemon getBlkio*Devices).
 */
import { readdir, realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import type { OciDevice, OciResources } from "../../runtime/index.ts";
import type { HostConfig } from "../../api/containers.ts";
import { InvalidArgumentError, errorMessage } from "../../util/errors.ts";

/** One cgroup device rule (config-linux.md#allowed-device-list). */
export type DeviceRule = NonNullable<OciResources["devices"]>[number];

/** What a container's HostConfig asks of the host's devices. */
export type HostDevices = {
  /** Nodes crun creates in the container's /dev. */
  nodes: OciDevice[];
  /** Allow rules for those nodes and for DeviceCgroupRules, after Docker's defaults. */
  rules: DeviceRule[];
  /** Per-device block I/O weights and throttles. */
  blockIO: NonNullable<OciResources["blockIO"]>;
};

/** HostConfig.Devices[i] as the API carries it. */
type DeviceMapping = {
  PathOnHost?: string;
  PathInContainer?: string;
  CgroupPermissions?: string;
};

const RULE_RE = /^([acb]) ([0-9]+|\*):([0-9]+|\*) ([rwm]{1,3})$/;

/**
 * Parses "c 1:3 rwm" (`--device-cgroup-rule`). Throws InvalidArgumentError
 * with moby's text for anything else.
 */
export function parseDeviceCgroupRule(rule: string): DeviceRule {
  const m = RULE_RE.exec(rule);
  if (!m)
    throw new InvalidArgumentError(
      `invalid device cgroup rule format: '${rule}'`,
    );
  const out: DeviceRule = { allow: true, type: m[1]!, access: m[4]! };
  if (m[2] !== "*") out.major = Number(m[2]);
  if (m[3] !== "*") out.minor = Number(m[3]);
  return out;
}

/**
 * Validates Devices and DeviceCgroupRules at create (no host access), so a
 * bad value is a 400 before anything is made.
 */
export function validateDeviceConfig(hc: Partial<HostConfig>): void {
  for (const rule of list<string>(hc.DeviceCgroupRules))
    parseDeviceCgroupRule(rule);
  for (const d of list<DeviceMapping>(hc.Devices)) {
    if (!d.PathOnHost)
      throw new InvalidArgumentError("device mapping without PathOnHost");
    const perms = d.CgroupPermissions || "rwm";
    if (!/^[rwm]{1,3}$/.test(perms))
      throw new InvalidArgumentError(`invalid device mode: ${perms}`);
  }
}

/** Linux dev_t → major/minor (glibc's gnu_dev_major/minor). */
export function devNumbers(rdev: bigint): { major: number; minor: number } {
  return {
    major: Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn)),
    minor: Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn)),
  };
}

/**
 * Stats the host side of Devices and the blkio device lists. Throws
 * Docker's "error gathering device information while adding custom
 * device" for a path that is missing or not a device node.
 */
export async function resolveHostDevices(
  hc: Partial<HostConfig>,
): Promise<HostDevices> {
  const out: HostDevices = { nodes: [], rules: [], blockIO: {} };
  for (const d of list<DeviceMapping>(hc.Devices)) {
    const host = d.PathOnHost!;
    const inCtr = d.PathInContainer || host;
    const perms = d.CgroupPermissions || "rwm";
    const found = await devicesUnder(host).catch((err: unknown) => {
      throw new Error(
        `error gathering device information while adding custom device "${host}": ${errorMessage(
          err,
        )
          .replace(/^[A-Z]+: /, "")
          .replace(/, \w+ '.*'$/, "")}`,
      );
    });
    if (!found.length)
      throw new Error(
        `error gathering device information while adding custom device "${host}": not a device node`,
      );
    for (const f of found) {
      const node: OciDevice = {
        ...f.node,
        path: join(inCtr, f.node.path.slice(f.root.length)),
      };
      out.nodes.push(node);
      out.rules.push({
        allow: true,
        type: node.type,
        major: node.major,
        minor: node.minor,
        access: perms,
      });
    }
  }
  for (const rule of list<string>(hc.DeviceCgroupRules))
    out.rules.push(parseDeviceCgroupRule(rule));
  const weights = list<{ Path: string; Weight: number }>(hc.BlkioWeightDevice);
  if (weights.length)
    out.blockIO.weightDevice = await Promise.all(
      weights.map(async (w) => ({
        ...(await blockDev(w.Path)),
        weight: w.Weight,
      })),
    );
  for (const [key, field] of [
    ["BlkioDeviceReadBps", "throttleReadBpsDevice"],
    ["BlkioDeviceWriteBps", "throttleWriteBpsDevice"],
    ["BlkioDeviceReadIOps", "throttleReadIOPSDevice"],
    ["BlkioDeviceWriteIOps", "throttleWriteIOPSDevice"],
  ] as const) {
    const rates = list<{ Path: string; Rate: number }>(hc[key]);
    if (rates.length)
      out.blockIO[field] = await Promise.all(
        rates.map(async (t) => ({ ...(await blockDev(t.Path)), rate: t.Rate })),
      );
  }
  return out;
}

/** The device nodes at `path` (itself, or everything below a directory). */
async function devicesUnder(
  path: string,
): Promise<{ root: string; node: OciDevice }[]> {
  const root = await realpath(path);
  const walk = async (p: string): Promise<OciDevice[]> => {
    const st = await stat(p, { bigint: true });
    if (st.isDirectory()) {
      const names = await readdir(p);
      return (await Promise.all(names.map((n) => walk(join(p, n))))).flat();
    }
    if (!st.isCharacterDevice() && !st.isBlockDevice()) return [];
    return [
      {
        path: p,
        type: st.isCharacterDevice() ? "c" : "b",
        ...devNumbers(st.rdev),
        fileMode: Number(st.mode & 0o777n),
        uid: Number(st.uid),
        gid: Number(st.gid),
      },
    ];
  };
  return (await walk(root)).map((node) => ({ root, node }));
}

async function blockDev(
  path: string,
): Promise<{ major: number; minor: number }> {
  const st = await stat(path, { bigint: true }).catch(() => {
    throw new Error(`stat ${path}: no such file or directory`);
  });
  return devNumbers(st.rdev);
}

function list<T>(v: unknown): T[] {
  return Array.isArray(v) ? (v as T[]) : [];
}
