import { NotFoundError } from "../../util/errors.ts";
import type { VolumeDriver } from "./driver.ts";
import { LocalDriver } from "./local-driver.ts";
import { checkDriverName } from "./names.ts";
import { activatePlugin } from "./plugins/plugin-driver.ts";
import { PluginDiscovery } from "./plugins/discovery.ts";

/** The volume drivers by name: the built-in local one and plugins, activated once. */
export class Drivers {
  /** The built-in driver, keeping data under <data-root>/volumes. */
  readonly local: LocalDriver;
  #discovery: PluginDiscovery;
  #plugins = new Map<string, VolumeDriver>();

  constructor(
    root: string,
    pluginDirs: string[],
    owner?: { uid: number; gid: number },
  ) {
    this.local = new LocalDriver(root, owner);
    this.#discovery = new PluginDiscovery(pluginDirs);
  }

  /**
   * The driver by name: local, or a plugin found in the plugin directories
   * and activated on first use. Throws InvalidArgumentError (bad name),
   * NotFoundError (no such plugin), or the activation error.
   */
  async get(name: string): Promise<VolumeDriver> {
    if (name === "local") return this.local;
    checkDriverName(name);
    const cached = this.#plugins.get(name);
    if (cached) return cached;
    const address = await this.#discovery.find(name);
    if (!address)
      throw new NotFoundError(
        `error looking up volume plugin ${name}: plugin "${name}" not found`,
      );
    const driver = await activatePlugin(name, address);
    this.#plugins.set(name, driver);
    return driver;
  }
}

/** err with its message prefixed (once) as Docker words driver errors ("create v: …"). */
export function prefixed(err: unknown, prefix: string): Error {
  if (err instanceof Error) {
    if (!err.message.startsWith(prefix)) err.message = prefix + err.message;
    return err;
  }
  return new Error(prefix + String(err));
}
