/**
 * HostConfig.SecurityOpt as the daemon reads it (moby daemon/daemon_unix.go
 * parseSecurityOpt). The Docker CLI has already replaced a seccomp file name
 * by the file's content and consumed `systempaths=unconfined` (it becomes
 * empty MaskedPaths/ReadonlyPaths).
 */
import { NotImplementedError } from "../util/errors.ts";
import type { SeccompChoice } from "./seccomp/filters.ts";

/** The container's security options after parsing. */
export type SecurityOptions = {
  seccomp: SeccompChoice;
  noNewPrivileges: boolean;
  /** label=… values; SELinux is not enabled here, so they change nothing. */
  labels: string[];
  /** apparmor=…; the host has no AppArmor, so Docker ignores it too. */
  apparmor: string | undefined;
};

/** Go's strconv.ParseBool. */
function parseBool(v: string): boolean | undefined {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(v)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(v)) return false;
  return undefined;
}

/**
 * Parses SecurityOpt. Throws a plain Error with Docker's wording
 * (`invalid --security-opt 1: "x"` for no separator, `… 2: …` for an
 * unknown key or bad boolean) and NotImplementedError for writable-cgroups.
 * A seccomp profile is only decoded when the container starts, as in Docker.
 */
export function parseSecurityOpt(
  opts: readonly string[] | null | undefined,
): SecurityOptions {
  const out: SecurityOptions = {
    seccomp: { kind: "default" },
    noNewPrivileges: false,
    labels: [],
    apparmor: undefined,
  };
  for (const opt of opts ?? []) {
    if (opt === "no-new-privileges") {
      out.noNewPrivileges = true;
      continue;
    }
    if (opt === "disable") {
      out.labels.push("disable");
      continue;
    }
    const sep = opt.includes("=") ? "=" : opt.includes(":") ? ":" : "";
    if (!sep || opt === "writable-cgroups")
      throw opt === "writable-cgroups" ? writableCgroups() : invalid(1, opt);
    const i = opt.indexOf(sep);
    const [k, v] = [opt.slice(0, i), opt.slice(i + 1)];
    switch (k) {
      case "label":
        out.labels.push(v);
        break;
      case "apparmor":
        out.apparmor = v;
        break;
      case "seccomp":
        out.seccomp = seccompChoice(v);
        break;
      case "no-new-privileges": {
        const b = parseBool(v);
        if (b === undefined) throw invalid(2, opt);
        out.noNewPrivileges = b;
        break;
      }
      case "writable-cgroups":
        throw writableCgroups();
      default:
        throw invalid(2, opt);
    }
  }
  return out;
}

/**
 * compat: Docker answers a bad option with a plain error, so a 500, not a
 * 400 (moby daemon/daemon_unix.go parseSecurityOpt; checked on dockerd 20.10).
 */
function invalid(n: 1 | 2, opt: string): Error {
  return new Error(`invalid --security-opt ${n}: "${opt}"`);
}

function seccompChoice(v: string): SeccompChoice {
  // compat: "builtin" is Docker's name for its default profile.
  if (v === "unconfined") return { kind: "unconfined" };
  if (v === "builtin") return { kind: "default" };
  return { kind: "custom", json: v };
}

function writableCgroups(): NotImplementedError {
  return new NotImplementedError(
    "not implemented: --security-opt writable-cgroups",
  );
}
