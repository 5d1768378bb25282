import { existsSync } from "node:fs";
import { basename, dirname } from "node:path";
import { execFile, type ExecFn } from "../util/exec.ts";
import { createNetnsAt, deleteNetnsAt, isMountPoint } from "./netns.ts";

/** Where `ip netns add` keeps named namespaces. */
export const NETNS_DIR = "/run/netns";

/**
 * Runs `ip` with args (inside the namespace at netnsPath when given) and
 * returns stdout. Throws an Error carrying ip's stderr when it fails.
 * `exec` runs it (default execFile).
 */
export async function ip(
  args: string[],
  options: { netnsPath?: string; input?: string; exec?: ExecFn } = {},
): Promise<string> {
  const [file, argv] = inNetns(["ip", ...args], options.netnsPath);
  const run = options.exec ?? execFile;
  const r = await run(file, argv, { input: options.input ?? "" });
  if (r.code !== 0)
    throw new Error(
      `ip ${args.join(" ")}: ${r.stderr.trim() || `exit ${r.code}`}`,
    );
  return r.stdout;
}

/**
 * Runs several `ip` commands in one process (`ip -batch -`): about 4 ms for a
 * whole veth plumbing instead of one spawn per command. Throws on the first
 * failing line; with `force` runs every line and ignores failures. `exec`
 * runs it (default execFile).
 */
export async function ipBatch(
  lines: string[],
  options: { netnsPath?: string; force?: boolean; exec?: ExecFn } = {},
): Promise<void> {
  if (!lines.length) return;
  const args = options.force ? ["-force", "-batch", "-"] : ["-batch", "-"];
  const [file, argv] = inNetns(["ip", ...args], options.netnsPath);
  const run = options.exec ?? execFile;
  const r = await run(file, argv, { input: lines.join("\n") + "\n" });
  if (r.code !== 0 && !options.force)
    throw new Error(`ip -batch: ${r.stderr.trim() || `exit ${r.code}`}`);
}

/** `ip -j <args>` parsed; [] when ip prints nothing. */
export async function ipJson<T>(args: string[]): Promise<T[]> {
  const out = await ip(["-j", ...args]);
  return out.trim() ? (JSON.parse(out) as T[]) : [];
}

/** True when a link of that name exists in the host namespace. */
export async function linkExists(name: string): Promise<boolean> {
  const r = await execFile("ip", ["link", "show", "dev", name]);
  return r.code === 0;
}

/**
 * The command to run inside a namespace: `ip -n NAME` for a named one,
 * nsenter for any other path (ip -n accepts names only).
 */
function inNetns(
  cmd: string[],
  netnsPath: string | undefined,
): [string, string[]] {
  if (!netnsPath) return [cmd[0]!, cmd.slice(1)];
  if (dirname(netnsPath) === NETNS_DIR && cmd[0] === "ip")
    return ["ip", ["-n", basename(netnsPath), ...cmd.slice(1)]];
  return ["nsenter", [`--net=${netnsPath}`, "--", ...cmd]];
}

let netnsDirReady = false;

/**
 * Creates the named namespace (idempotent); returns its path. In-process
 * (netns.ts) once `ip` has set /run/netns up as its shared mount point.
 */
export async function addNetns(name: string): Promise<string> {
  const path = `${NETNS_DIR}/${name}`;
  if (existsSync(path)) return path;
  // Once /run/netns is a mount point it stays one: read mountinfo only until then.
  netnsDirReady ||= isMountPoint(NETNS_DIR);
  if (netnsDirReady) {
    createNetnsAt(path, NETNS_DIR);
    return path;
  }
  const r = await execFile("ip", ["netns", "add", name]);
  if (r.code !== 0 && !/File exists/.test(r.stderr))
    throw new Error(`ip netns add ${name}: ${r.stderr.trim()}`);
  return path;
}

/** Deletes the named namespace; a missing one is fine. */
export async function deleteNetns(name: string): Promise<void> {
  await deleteNetnsAt(`${NETNS_DIR}/${name}`);
}

/** IPv4/IPv6 destinations of the host's routes (all tables), e.g. "172.17.0.0/16". */
export async function hostRoutes(): Promise<{ dst: string; dev: string }[]> {
  const rows = [
    ...(await ipJson<{ dst: string; dev?: string }>([
      "-4",
      "route",
      "show",
      "table",
      "all",
    ])),
    ...(await ipJson<{ dst: string; dev?: string }>([
      "-6",
      "route",
      "show",
      "table",
      "all",
    ])),
  ];
  return rows
    .filter((r) => r.dst !== "default" && r.dst !== undefined)
    .map((r) => ({
      dst: r.dst.includes("/")
        ? r.dst
        : `${r.dst}/${r.dst.includes(":") ? 128 : 32}`,
      dev: r.dev ?? "",
    }));
}
