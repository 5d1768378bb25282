import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { InvalidArgumentError, isErrno } from "../../../util/errors.ts";
import { checkDriverName } from "../names.ts";

/** Docker's plugin directories (moby pkg/plugins/discovery_unix.go). */
export const DOCKER_PLUGIN_DIRS = [
  "/run/docker/plugins",
  "/etc/docker/plugins",
  "/usr/lib/docker/plugins",
];

/** Where a plugin listens: a UNIX socket path or a TCP host:port. */
export type PluginAddress =
  { kind: "unix"; path: string } | { kind: "tcp"; host: string; port: number };

/**
 * Finds legacy (v1) plugins by name in a list of directories, as Docker's
 * discovery does: `<dir>/<name>.sock` and `<dir>/<name>/<name>.sock`
 * (a socket), then `<dir>/<name>.spec` (a URL on one line) and
 * `<dir>/<name>.json` ({"Name", "Addr"}), also inside `<dir>/<name>/`.
 * The name is checked first (no `/`, no `..`), so a lookup never leaves
 * the directories: moby still follows `../` there (moby/moby#52957).
 */
export class PluginDiscovery {
  readonly dirs: string[];

  constructor(dirs: string[]) {
    this.dirs = dirs;
  }

  /**
   * The address of plugin `name`, or undefined when no directory has it.
   * Throws NotFoundError for an invalid name and InvalidArgumentError for an
   * unreadable spec.
   */
  async find(name: string): Promise<PluginAddress | undefined> {
    checkDriverName(name);
    for (const dir of this.dirs)
      for (const base of [dir, join(dir, name)]) {
        const sock = join(base, `${name}.sock`);
        if ((await kind(sock)) === "socket")
          return { kind: "unix", path: sock };
      }
    for (const dir of this.dirs)
      for (const base of [dir, join(dir, name)])
        for (const ext of ["spec", "json"]) {
          const file = join(base, `${name}.${ext}`);
          if ((await kind(file)) !== "file") continue;
          const text = await readFile(file, "utf8");
          return ext === "spec"
            ? parseAddress(text.trim(), file)
            : parseJsonSpec(text, file);
        }
    return undefined;
  }
}

async function kind(path: string): Promise<"socket" | "file" | undefined> {
  try {
    const st = await stat(path);
    return st.isSocket() ? "socket" : st.isFile() ? "file" : undefined;
  } catch (err) {
    if (isErrno(err, "ENOENT") || isErrno(err, "ENOTDIR")) return undefined;
    throw err;
  }
}

/** Parses a spec URL: unix:///path or tcp://host:port. Pure. */
export function parseAddress(url: string, file: string): PluginAddress {
  if (url.startsWith("unix://")) return { kind: "unix", path: url.slice(7) };
  const tcp = /^(?:tcp|http):\/\/([^:/]+|\[[^\]]+\]):(\d+)\/?$/.exec(url);
  if (tcp) return { kind: "tcp", host: tcp[1]!, port: Number(tcp[2]) };
  throw new InvalidArgumentError(
    `plugin spec ${file}: unsupported address ${JSON.stringify(url)} (want unix:// or tcp://)`,
  );
}

function parseJsonSpec(text: string, file: string): PluginAddress {
  let spec: { Addr?: unknown; TLSConfig?: unknown };
  try {
    spec = JSON.parse(text) as typeof spec;
  } catch {
    throw new InvalidArgumentError(`plugin spec ${file}: invalid JSON`);
  }
  if (spec.TLSConfig)
    throw new InvalidArgumentError(
      `plugin spec ${file}: TLS plugin connections are not supported`,
    );
  if (typeof spec.Addr !== "string")
    throw new InvalidArgumentError(`plugin spec ${file}: no Addr`);
  return parseAddress(spec.Addr, file);
}
