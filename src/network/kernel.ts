/**
 * Which link types the kernel offers, probed once per feature: the kernel's
 * own config (/proc/config.gz), else modules.builtin and `modprobe -n` under
 * /lib/modules/$(uname -r), else a trial `ip link add` in a throwaway network
 * namespace ("Unknown device type" means absent). Drivers ask before they
 * create anything, so a missing feature fails cleanly with its name.
 */
import { existsSync, readFileSync } from "node:fs";
import { release } from "node:os";
import { randomBytes } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { execFile } from "../util/exec.ts";
import { UnavailableError } from "../util/errors.ts";

/** Link types the network drivers may need. */
export type KernelFeature = "macvlan" | "ipvlan" | "8021q" | "dummy";

/** Kernel config symbol and module name per feature. */
export const FEATURES: Record<
  KernelFeature,
  { config: string; module: string; linkType: string }
> = {
  macvlan: { config: "CONFIG_MACVLAN", module: "macvlan", linkType: "macvlan" },
  ipvlan: { config: "CONFIG_IPVLAN", module: "ipvlan", linkType: "ipvlan" },
  "8021q": { config: "CONFIG_VLAN_8021Q", module: "8021q", linkType: "vlan" },
  dummy: { config: "CONFIG_DUMMY", module: "dummy", linkType: "dummy" },
};

/** The value of a config symbol in kernel config text: "y", "m", "n" (not set) or undefined (not mentioned). */
export function configValue(text: string, symbol: string): string | undefined {
  for (const line of text.split("\n")) {
    if (line === `# ${symbol} is not set`) return "n";
    if (line.startsWith(`${symbol}=`)) return line.slice(symbol.length + 1);
  }
  return undefined;
}

/** True when modules.builtin text lists the module (paths like kernel/net/8021q/8021q.ko). */
export function builtinHas(text: string, module: string): boolean {
  return text
    .split("\n")
    .some((l) => l.trim().endsWith(`/${module}.ko`) || l.trim() === module);
}

/** Absence is reported in these words, e.g. "kernel module ipvlan (CONFIG_IPVLAN) is not available on this host". */
export function missingFeature(
  feature: KernelFeature,
  what: string,
): UnavailableError {
  const f = FEATURES[feature];
  return new UnavailableError(
    `${what}: kernel module ${f.module} (${f.config}) is not available on this host`,
  );
}

/** Probes and caches kernel features; `has` never throws. */
export class KernelProbe {
  #cache = new Map<KernelFeature, Promise<boolean>>();
  #configPath: string;
  #modulesDir: string;
  #sysModule: string;

  /** Paths are overridable for tests: the kernel config, the modules dir and /sys/module. */
  constructor(
    options: {
      configPath?: string;
      modulesDir?: string;
      sysModuleDir?: string;
    } = {},
  ) {
    this.#sysModule = options.sysModuleDir ?? "/sys/module";
    this.#configPath = options.configPath ?? "/proc/config.gz";
    this.#modulesDir = options.modulesDir ?? `/lib/modules/${release()}`;
  }

  /** True when the kernel can create links of the feature's type. */
  has(feature: KernelFeature): Promise<boolean> {
    let p = this.#cache.get(feature);
    if (!p) {
      p = this.#probe(feature).catch(() => false);
      this.#cache.set(feature, p);
    }
    return p;
  }

  /** Throws missingFeature(feature, what) when absent. */
  async require(feature: KernelFeature, what: string): Promise<void> {
    if (!(await this.has(feature))) throw missingFeature(feature, what);
  }

  async #probe(feature: KernelFeature): Promise<boolean> {
    const f = FEATURES[feature];
    // A loaded module (or a built-in one with parameters) shows in /sys/module.
    if (existsSync(`${this.#sysModule}/${f.module}`)) return true;
    const config = this.#config();
    const value =
      config === undefined ? undefined : configValue(config, f.config);
    if (value === "y") return true;
    if (value === "n") return false;
    if (value === "m" || existsSync(this.#modulesDir)) {
      const builtin = `${this.#modulesDir}/modules.builtin`;
      if (
        existsSync(builtin) &&
        builtinHas(readFileSync(builtin, "utf8"), f.module)
      )
        return true;
      const r = await execFile("modprobe", ["-n", "-q", f.module]).catch(
        () => undefined,
      );
      if (r) return r.code === 0;
    }
    return this.#trial(f.linkType);
  }

  #config(): string | undefined {
    try {
      const raw = readFileSync(this.#configPath);
      return (
        this.#configPath.endsWith(".gz") ? gunzipSync(raw) : raw
      ).toString();
    } catch {
      return undefined;
    }
  }

  /** Tries to add a link of the type in a throwaway namespace; "Unknown device type" means absent. */
  async #trial(linkType: string): Promise<boolean> {
    const ns = `wharf-probe-${randomBytes(4).toString("hex")}`;
    if ((await execFile("ip", ["netns", "add", ns])).code !== 0) return false;
    try {
      // vlan, macvlan and ipvlan need a parent; lo serves for the trial (only the type lookup matters).
      const parent = linkType === "dummy" ? [] : ["link", "lo"];
      const extra = linkType === "vlan" ? ["id", "2"] : [];
      const r = await execFile("ip", [
        "-n",
        ns,
        "link",
        "add",
        "probe0",
        ...parent,
        "type",
        linkType,
        ...extra,
      ]);
      return !/Unknown device type/i.test(r.stderr);
    } finally {
      await execFile("ip", ["netns", "del", ns]);
    }
  }
}
