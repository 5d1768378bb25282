/**
 * The flags `run` and `create` share, and their translation into the body of
 * POST /containers/create as the Docker CLI builds it.
 */
import { readFileSync } from "node:fs";
import type { ContainerCreateBody } from "../../../client/index.ts";
import { StatusError } from "../../command.ts";
import type { FlagSpec, ParsedFlags } from "../../flags.ts";
import {
  LIFECYCLE_FLAGS,
  healthcheckOf,
  restartPolicyOf,
} from "./create-options-lifecycle.ts";
import { MOUNT_FLAGS, mountFields } from "./create-options-mounts.ts";
import { ramInBytes } from "./ram-in-bytes.ts";
import {
  RESOURCE_FLAGS,
  resourceHostConfig,
} from "./create-options-resources.ts";
import { applyNetworkFlags, NETWORK_FLAGS } from "./create-options-network.ts";
import {
  SECURITY_FLAGS,
  namespaceHostConfig,
  securityHostConfig,
} from "./create-options-security.ts";

/** -t, shared by create/run and exec. */
export const TTY_FLAG: FlagSpec = {
  name: "tty",
  short: "t",
  type: "bool",
  description: "Allocate a pseudo-TTY",
};

/** -e and --env-file, shared by create/run and exec. */
export const ENV_FLAGS: FlagSpec[] = [
  {
    name: "env",
    short: "e",
    type: "list",
    description: "Set environment variables",
  },
  {
    name: "env-file",
    type: "list",
    description: "Read in a file of environment variables",
  },
];

export { ramInBytes };

/** Flags of both run and create. */
export const CREATE_FLAGS: FlagSpec[] = [
  ...SECURITY_FLAGS,
  ...MOUNT_FLAGS,
  ...RESOURCE_FLAGS,
  {
    name: "label-file",
    type: "list",
    description: "Read in a line delimited file of labels",
  },
  {
    name: "platform",
    type: "string",
    description: "Set platform if server is multi-platform capable",
  },
  {
    name: "pull",
    type: "string",
    description: 'Pull image before running ("always", "missing", "never")',
    default: "missing",
  },
  {
    name: "quiet",
    short: "q",
    type: "bool",
    description: "Suppress the pull output",
  },
  {
    name: "disable-content-trust",
    type: "bool",
    description: "Skip image verification",
    default: true,
  },
  {
    name: "add-host",
    type: "list",
    description: "Add a custom host-to-IP mapping (host:ip)",
  },
  {
    name: "attach",
    short: "a",
    type: "list",
    description: "Attach to STDIN, STDOUT or STDERR",
  },
  { name: "cap-add", type: "list", description: "Add Linux capabilities" },
  { name: "cap-drop", type: "list", description: "Drop Linux capabilities" },
  {
    name: "cidfile",
    type: "string",
    description: "Write the container ID to the file",
  },
  { name: "dns", type: "list", description: "Set custom DNS servers" },
  {
    name: "entrypoint",
    type: "string",
    description: "Overwrite the default ENTRYPOINT of the image",
  },
  ...ENV_FLAGS,
  {
    name: "expose",
    type: "list",
    description: "Expose a port or a range of ports",
  },
  {
    name: "hostname",
    short: "h",
    type: "string",
    description: "Container host name",
  },
  {
    name: "init",
    type: "bool",
    description:
      "Run an init inside the container that forwards signals and reaps processes",
  },
  {
    name: "interactive",
    short: "i",
    type: "bool",
    description: "Keep STDIN open even if not attached",
  },
  {
    name: "label",
    short: "l",
    type: "list",
    description: "Set meta data on a container",
  },
  {
    name: "memory",
    short: "m",
    type: "string",
    description: "Memory limit",
    valueName: "bytes",
  },
  {
    name: "name",
    type: "string",
    description: "Assign a name to the container",
  },
  {
    name: "network",
    type: "string",
    description: "Connect a container to a network",
    valueName: "network",
  },
  {
    name: "privileged",
    type: "bool",
    description: "Give extended privileges to this container",
  },
  {
    name: "publish",
    short: "p",
    type: "list",
    description: "Publish a container's port(s) to the host",
  },
  {
    name: "read-only",
    type: "bool",
    description: "Mount the container's root filesystem as read only",
  },
  {
    name: "restart",
    type: "string",
    description: "Restart policy to apply when a container exits",
    default: "no",
  },
  {
    name: "rm",
    type: "bool",
    description:
      "Automatically remove the container and its associated anonymous volumes when it exits",
  },
  {
    name: "stop-signal",
    type: "string",
    description: "Signal to stop the container",
  },
  {
    name: "stop-timeout",
    type: "int",
    description: "Timeout (in seconds) to stop a container",
  },
  TTY_FLAG,
  {
    name: "user",
    short: "u",
    type: "string",
    description: "Username or UID (format: <name|uid>[:<group|gid>])",
  },
  {
    name: "workdir",
    short: "w",
    type: "string",
    description: "Working directory inside the container",
  },
  ...NETWORK_FLAGS,
  ...LIFECYCLE_FLAGS,
];

/**
 * The lines of an --env-file or --label-file, each cut by `trim`, without
 * blank lines and `#` comments; a file that cannot be read is Docker's
 * "open …" error (125).
 */
function optionFileLines(path: string, trim: (l: string) => string): string[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new StatusError(`open ${path}: no such file or directory`, 125);
  }
  return text
    .split(/\r?\n/)
    .map(trim)
    .filter((l) => l && !l.startsWith("#"));
}

/** Reads an --env-file: KEY=VALUE lines, `#` comments, bare KEY taken from env. */
export function readEnvFile(path: string, env: NodeJS.ProcessEnv): string[] {
  return optionFileLines(path, (l) => l.trimStart()).flatMap((l) =>
    l.includes("=") ? [l] : env[l] !== undefined ? [`${l}=${env[l]}`] : [],
  );
}

/** Reads a --label-file: one label a line, `#` comments and blank lines skipped. */
export function readLabelFile(path: string): string[] {
  return optionFileLines(path, (l) => l.trim());
}

function envValue(e: string, env: NodeJS.ProcessEnv): string {
  // compat: `-e NAME` takes NAME's value from the CLI's environment when set.
  return !e.includes("=") && env[e] !== undefined ? `${e}=${env[e]}` : e;
}

type Binding = { HostIp: string; HostPort: string };

function parsePublish(
  spec: string,
  exposed: Record<string, object>,
  bindings: Record<string, Binding[]>,
): void {
  const [addr, proto = "tcp"] = spec.split("/");
  const parts = (addr ?? "").split(":");
  const port = parts.pop() ?? "";
  const hostPort = parts.pop() ?? "";
  const hostIp = parts.join(":").replace(/^\[|\]$/g, "");
  if (!/^\d+(-\d+)?$/.test(port))
    throw new StatusError(`invalid containerPort: ${port}`, 125);
  const key = `${port}/${proto}`;
  exposed[key] = {};
  (bindings[key] ??= []).push({ HostIp: hostIp, HostPort: hostPort });
}

/** Builds the create body from flags, the image and its command. Throws StatusError (125) on bad values. */
export function createBody(
  flags: ParsedFlags,
  image: string,
  cmd: string[],
  options: { detach: boolean; env: NodeJS.ProcessEnv },
): ContainerCreateBody {
  const attach = flags.list("attach").map((s) => s.toLowerCase());
  const interactive = flags.bool("interactive");
  const detach = options.detach;
  const env = [
    ...flags.list("env-file").flatMap((p) => readEnvFile(p, options.env)),
    ...flags.list("env").map((e) => envValue(e, options.env)),
  ];
  const labels = Object.fromEntries(
    [
      ...flags.list("label-file").flatMap((p) => readLabelFile(p)),
      ...flags.list("label"),
    ].map((l) => [
      l.split("=")[0] ?? "",
      l.includes("=") ? l.slice(l.indexOf("=") + 1) : "",
    ]),
  );
  const mounts = mountFields(flags);
  const exposed: Record<string, object> = {};
  const portBindings: Record<string, Binding[]> = {};
  for (const p of flags.list("publish")) parsePublish(p, exposed, portBindings);
  for (const p of flags.list("expose"))
    exposed[p.includes("/") ? p : `${p}/tcp`] = {};
  const restartPolicy = restartPolicyOf(flags);
  const healthcheck = healthcheckOf(flags);
  const entrypoint = flags.changed("entrypoint")
    ? [flags.string("entrypoint") ?? ""]
    : null;
  const stopTimeout = flags.int("stop-timeout");
  const stopSignal = flags.string("stop-signal");
  // compat: without -d and without -a, run attaches stdout and stderr (and stdin with -i).
  const attachAll = !detach && attach.length === 0;
  const body: ContainerCreateBody = {
    Hostname: flags.string("hostname") ?? "",
    Domainname: "",
    User: flags.string("user") ?? "",
    AttachStdin: attachAll ? interactive : attach.includes("stdin"),
    AttachStdout: attachAll || attach.includes("stdout"),
    AttachStderr: attachAll || attach.includes("stderr"),
    ...(Object.keys(exposed).length ? { ExposedPorts: exposed } : {}),
    Tty: flags.bool("tty"),
    OpenStdin: interactive,
    StdinOnce: interactive && !detach,
    Env: env,
    Cmd: cmd.length ? cmd : null,
    Image: image,
    Volumes: mounts.Volumes,
    WorkingDir: flags.string("workdir") ?? "",
    Entrypoint: entrypoint,
    OnBuild: null,
    Labels: labels,
    ...(stopSignal ? { StopSignal: stopSignal } : {}),
    ...(stopTimeout !== undefined ? { StopTimeout: stopTimeout } : {}),
    ...(healthcheck ? { Healthcheck: healthcheck } : {}),
    HostConfig: {
      NetworkMode: flags.string("network") ?? "default",
      PortBindings: portBindings,
      RestartPolicy: restartPolicy,
      AutoRemove: flags.bool("rm"),
      Privileged: flags.bool("privileged"),
      ReadonlyRootfs: flags.bool("read-only"),
      CapAdd: flags.list("cap-add").length ? flags.list("cap-add") : null,
      CapDrop: flags.list("cap-drop").length ? flags.list("cap-drop") : null,
      ...(flags.bool("init") ? { Init: true } : {}),
      Memory: flags.string("memory")
        ? ramInBytes(flags.string("memory") ?? "")
        : 0,
      ...resourceHostConfig(flags),
      Dns: flags.list("dns"),
      ExtraHosts: flags.list("add-host").length ? flags.list("add-host") : null,
      ...mounts.HostConfig,
      ...securityHostConfig(flags),
      ...namespaceHostConfig(flags),
    },
    NetworkingConfig: { EndpointsConfig: {} },
  };
  return applyNetworkFlags(flags, body);
}
