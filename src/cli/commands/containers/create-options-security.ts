/**
 * `--security-opt` (and `--pid`, `--ipc`, `--uts`) of run and create, translated as the Docker CLI does
 * (docker/cli cli/command/container/opts.go parseSecurityOpts and
 * parseSystemPaths): a seccomp profile file is read and sent as its
 * compacted JSON content, and `systempaths=unconfined` becomes empty
 * MaskedPaths and ReadonlyPaths instead of being sent.
 */
import { readFileSync } from "node:fs";
import { StatusError } from "../../command.ts";
import type { FlagSpec, ParsedFlags } from "../../flags.ts";

/** The flags, for CREATE_FLAGS: --security-opt and the namespace modes. */
export const SECURITY_FLAGS: FlagSpec[] = [
  { name: "security-opt", type: "list", description: "Security Options" },
  { name: "pid", type: "string", description: "PID namespace to use" },
  { name: "ipc", type: "string", description: "IPC mode to use" },
  { name: "uts", type: "string", description: "UTS namespace to use" },
];

/** HostConfig.PidMode, IpcMode and UTSMode from --pid, --ipc and --uts (only those given). */
export function namespaceHostConfig(flags: ParsedFlags): {
  PidMode?: string;
  IpcMode?: string;
  UTSMode?: string;
} {
  const out: { PidMode?: string; IpcMode?: string; UTSMode?: string } = {};
  const pid = flags.string("pid");
  const ipc = flags.string("ipc");
  const uts = flags.string("uts");
  if (pid !== undefined) out.PidMode = pid;
  if (ipc !== undefined) out.IpcMode = ipc;
  if (uts !== undefined) out.UTSMode = uts;
  return out;
}

/** The HostConfig fields of --security-opt. Throws StatusError (125) as the Docker CLI fails. */
export function securityHostConfig(flags: ParsedFlags): {
  SecurityOpt?: string[];
  MaskedPaths?: string[];
  ReadonlyPaths?: string[];
} {
  const opts = flags.list("security-opt");
  if (!opts.length) return {};
  const sent: string[] = [];
  let unconfinedPaths = false;
  for (const opt of opts) {
    if (opt === "systempaths=unconfined") {
      unconfinedPaths = true;
      continue;
    }
    sent.push(securityOpt(opt));
  }
  return {
    SecurityOpt: sent,
    ...(unconfinedPaths ? { MaskedPaths: [], ReadonlyPaths: [] } : {}),
  };
}

function securityOpt(opt: string): string {
  let sep = opt.indexOf("=");
  if (sep < 0 && opt !== "no-new-privileges") sep = opt.indexOf(":");
  const [k, v] = sep < 0 ? [opt, ""] : [opt.slice(0, sep), opt.slice(sep + 1)];
  // compat: no-new-privileges is the one option without a value.
  if ((sep < 0 || v === "") && k !== "no-new-privileges")
    throw new StatusError(`Invalid --security-opt: "${opt}"`, 125);
  if (k !== "seccomp" || v === "builtin" || v === "unconfined") return opt;
  let text: string;
  try {
    text = readFileSync(v, "utf8");
  } catch (err) {
    throw new StatusError(
      `opening seccomp profile (${v}) failed: open ${v}: ${reason(err)}`,
      125,
    );
  }
  try {
    return `seccomp=${JSON.stringify(JSON.parse(text))}`;
  } catch (err) {
    throw new StatusError(
      `compacting json for seccomp profile (${v}) failed: ${(err as Error).message}`,
      125,
    );
  }
}

function reason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file or directory";
  if (code === "EACCES") return "permission denied";
  if (code === "EISDIR") return "is a directory";
  return (err as Error).message;
}
