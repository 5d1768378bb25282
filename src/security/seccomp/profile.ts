/**
 * Docker's seccomp profile format (moby/profiles seccomp.go) and how Docker
 * turns it into the runtime-spec's linux.seccomp for one container
 * (setupSeccomp in seccomp_linux.go): archMap picks the native architecture
 * group, and `includes`/`excludes` keep or drop a rule by the container's
 * bounding capabilities, the native architecture and the host kernel.
 */
import { InvalidArgumentError } from "../../util/errors.ts";
import defaultJson from "./default.json" with { type: "json" };

/** A comparison on one syscall argument (runtime-spec LinuxSeccompArg). */
export type SeccompArg = {
  index: number;
  value: number;
  valueTwo?: number;
  op: string;
};

/** A rule's condition (moby Filter). */
export type SeccompFilter = {
  caps?: string[];
  arches?: string[];
  minKernel?: string;
};

/** One rule of a Docker profile. `name` is the deprecated form of `names`. */
export type SeccompRule = {
  name?: string;
  names?: string[];
  action: string;
  errnoRet?: number;
  args?: SeccompArg[] | null;
  comment?: string;
  includes?: SeccompFilter;
  excludes?: SeccompFilter;
};

/** A Docker seccomp profile (what `--security-opt seccomp=FILE` sends). */
export type SeccompProfile = {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures?: string[] | null;
  archMap?:
    { architecture: string; subArchitectures: string[] | null }[] | null;
  flags?: string[] | null;
  listenerPath?: string;
  syscalls?: SeccompRule[] | null;
};

/** A rule after includes/excludes were applied (runtime-spec LinuxSyscall). */
export type ResolvedRule = {
  names: string[];
  action: string;
  errnoRet?: number;
  args: SeccompArg[];
};

/** The runtime-spec's linux.seccomp for one container. */
export type ResolvedProfile = {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures: string[];
  flags?: string[];
  syscalls: ResolvedRule[];
};

/** Docker's built-in profile: moby/profiles default.json (see README.md). */
export const DEFAULT_PROFILE = defaultJson as SeccompProfile;

/** Canonical text of the built-in profile (its cache key). */
export const DEFAULT_PROFILE_TEXT = JSON.stringify(DEFAULT_PROFILE);

/**
 * Decodes a profile sent as `seccomp=<json>`. Throws InvalidArgumentError
 * with Docker's "Decoding seccomp profile failed: …" for bad JSON and
 * Docker's wording for `name`+`names` or `architectures`+`archMap`.
 */
export function parseProfile(text: string): SeccompProfile {
  let p: unknown;
  try {
    p = JSON.parse(text);
  } catch (err) {
    throw new InvalidArgumentError(
      `Decoding seccomp profile failed: ${(err as Error).message}`,
    );
  }
  if (!p || typeof p !== "object" || Array.isArray(p))
    throw new InvalidArgumentError(
      "Decoding seccomp profile failed: json: cannot unmarshal into Go value of type seccomp.Seccomp",
    );
  const profile = p as SeccompProfile;
  if (profile.architectures?.length && profile.archMap?.length)
    throw new InvalidArgumentError(
      "both 'architectures' and 'archMap' are specified in the seccomp profile, use either 'architectures' or 'archMap'",
    );
  for (const rule of profile.syscalls ?? []) {
    if (rule.name && rule.names?.length)
      throw new InvalidArgumentError(
        "both 'name' and 'names' are specified in the seccomp profile, use either 'name' or 'names'",
      );
    if (typeof rule.action !== "string")
      throw new InvalidArgumentError(
        "Decoding seccomp profile failed: a syscall rule has no action",
      );
  }
  return profile;
}

/** What a profile's conditions are checked against. */
export type ResolveContext = {
  /** The container's bounding capabilities (CAP_ names). */
  caps: readonly string[];
  /** libseccomp's name of the daemon's architecture: "amd64", "arm64", … */
  nativeArch: string;
  /** Host kernel version as [major, minor]. */
  kernel: readonly [number, number];
};

/** libseccomp native name → SCMP_ARCH (moby nativeToSeccomp). */
const NATIVE_TO_SCMP: Record<string, string> = {
  x86: "SCMP_ARCH_X86",
  amd64: "SCMP_ARCH_X86_64",
  arm: "SCMP_ARCH_ARM",
  arm64: "SCMP_ARCH_AARCH64",
  riscv64: "SCMP_ARCH_RISCV64",
  s390x: "SCMP_ARCH_S390X",
  ppc64le: "SCMP_ARCH_PPC64LE",
};

/**
 * Applies Docker's setupSeccomp: returns undefined when the profile disables
 * seccomp (no defaultAction and no rules), else the rules that apply to this
 * container. Pure; throws InvalidArgumentError for a bad minKernel.
 */
export function resolveProfile(
  p: SeccompProfile,
  ctx: ResolveContext,
): ResolvedProfile | undefined {
  const rules = p.syscalls ?? [];
  if (!p.defaultAction && rules.length === 0) return undefined;
  const architectures = [...(p.architectures ?? [])];
  const native = NATIVE_TO_SCMP[ctx.nativeArch];
  const group = (p.archMap ?? []).find((a) => a.architecture === native);
  if (group)
    architectures.push(group.architecture, ...(group.subArchitectures ?? []));
  const out: ResolvedProfile = {
    defaultAction: p.defaultAction,
    architectures,
    syscalls: [],
  };
  if (p.defaultErrnoRet !== undefined) out.defaultErrnoRet = p.defaultErrnoRet;
  if (p.flags?.length) out.flags = p.flags;
  for (const rule of rules) {
    if (!applies(rule, ctx)) continue;
    const r: ResolvedRule = {
      names: rule.name ? [rule.name] : (rule.names ?? []),
      action: rule.action,
      args: rule.args ?? [],
    };
    if (rule.errnoRet !== undefined) r.errnoRet = rule.errnoRet;
    out.syscalls.push(r);
  }
  return out;
}

function applies(rule: SeccompRule, ctx: ResolveContext): boolean {
  const ex = rule.excludes;
  if (ex) {
    if (ex.arches?.includes(ctx.nativeArch)) return false;
    if (ex.caps?.some((c) => ctx.caps.includes(c))) return false;
    if (ex.minKernel && kernelAtLeast(ctx.kernel, ex.minKernel)) return false;
  }
  const inc = rule.includes;
  if (inc) {
    if (inc.arches?.length && !inc.arches.includes(ctx.nativeArch))
      return false;
    if (inc.caps?.some((c) => !ctx.caps.includes(c))) return false;
    if (inc.minKernel && !kernelAtLeast(ctx.kernel, inc.minKernel))
      return false;
  }
  return true;
}

function kernelAtLeast(k: readonly [number, number], min: string): boolean {
  const m = /^(\d+)\.(\d+)$/.exec(min);
  if (!m)
    throw new InvalidArgumentError(
      `invalid kernel version: "${min}", expected "<kernel>.<major>"`,
    );
  const [maj, minor] = [Number(m[1]), Number(m[2])];
  return k[0] > maj || (k[0] === maj && k[1] >= minor);
}
