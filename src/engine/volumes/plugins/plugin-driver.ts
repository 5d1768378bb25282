import type { VolumeDriver } from "../driver.ts";
import { callPlugin } from "./client.ts";
import type { PluginAddress } from "./discovery.ts";

/**
 * A volume driver behind a legacy plugin (Docker's VolumeDriver protocol):
 * every verb is one POST to the plugin. The plugin counts its own mounts;
 * wharf pairs each Mount with an Unmount under the same ID (the container
 * id). Build with activatePlugin.
 */
export class PluginDriver implements VolumeDriver {
  readonly name: string;
  #plugin: { name: string; address: PluginAddress };

  constructor(name: string, address: PluginAddress) {
    this.name = name;
    this.#plugin = { name, address };
  }

  async scope(): Promise<"local" | "global"> {
    try {
      const r = await callPlugin(this.#plugin, "VolumeDriver.Capabilities", {});
      const caps = r.Capabilities as { Scope?: string } | undefined;
      return caps?.Scope === "global" ? "global" : "local";
    } catch {
      // compat: Capabilities is optional; Docker assumes local scope.
      return "local";
    }
  }

  async create(name: string, opts: Record<string, string>): Promise<void> {
    await callPlugin(this.#plugin, "VolumeDriver.Create", {
      Name: name,
      Opts: opts,
    });
  }

  async remove(name: string): Promise<void> {
    await callPlugin(this.#plugin, "VolumeDriver.Remove", { Name: name });
  }

  async mount(name: string, id: string): Promise<string> {
    const r = await callPlugin(this.#plugin, "VolumeDriver.Mount", {
      Name: name,
      ID: id,
    });
    if (typeof r.Mountpoint !== "string" || !r.Mountpoint.startsWith("/"))
      throw new Error(
        `VolumeDriver.Mount: plugin ${this.name} returned no absolute Mountpoint`,
      );
    return r.Mountpoint;
  }

  async unmount(name: string, id: string): Promise<void> {
    await callPlugin(this.#plugin, "VolumeDriver.Unmount", {
      Name: name,
      ID: id,
    });
  }

  async restoreMounts(): Promise<void> {
    // The plugin keeps its own mount state across wharfd restarts.
  }

  async path(name: string): Promise<string> {
    const r = await callPlugin(this.#plugin, "VolumeDriver.Path", {
      Name: name,
    });
    return typeof r.Mountpoint === "string" ? r.Mountpoint : "";
  }

  async status(name: string): Promise<Record<string, unknown> | undefined> {
    const r = await callPlugin(this.#plugin, "VolumeDriver.Get", {
      Name: name,
    });
    const v = r.Volume as { Status?: Record<string, unknown> } | undefined;
    return v?.Status && Object.keys(v.Status).length ? v.Status : undefined;
  }

  async usage(): Promise<number> {
    return -1;
  }
}

/**
 * Plugin.Activate: asks the plugin what it implements. Returns a
 * PluginDriver; throws when the plugin cannot be reached or does not
 * implement VolumeDriver.
 */
export async function activatePlugin(
  name: string,
  address: PluginAddress,
): Promise<PluginDriver> {
  const r = await callPlugin({ name, address }, "Plugin.Activate", {});
  const impl = Array.isArray(r.Implements) ? r.Implements : [];
  if (!impl.includes("VolumeDriver"))
    throw new Error(
      `plugin ${name} does not implement VolumeDriver (it implements ${JSON.stringify(impl)})`,
    );
  return new PluginDriver(name, address);
}
