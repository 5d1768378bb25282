import { createHash } from "node:crypto";
import { release } from "node:os";
import { encode } from "./bpf.ts";
import { nativeArch } from "./arch.ts";
import { compileX86 } from "./compile.ts";
import {
  DEFAULT_PROFILE,
  DEFAULT_PROFILE_TEXT,
  parseProfile,
  resolveProfile,
  type ResolvedProfile,
  type SeccompProfile,
} from "./profile.ts";

/**
 * How a container gets its filter: nothing; the runtime-spec linux.seccomp
 * with the program compiled from it (base64 of struct sock_filter[]: crun
 * loads it from an annotation, runc and other runtimes compile the profile,
 * src/runtime/seccomp-delivery.ts); or, on hosts the compiler does not
 * cover, only linux.seccomp.
 */
export type SeccompSetup =
  | { kind: "none" }
  | {
      kind: "bpf";
      base64: string;
      instructions: number;
      seccomp: ResolvedProfile;
    }
  | { kind: "oci"; seccomp: ResolvedProfile };

/** Which profile a container asked for (from --security-opt seccomp=…). */
export type SeccompChoice =
  | { kind: "default" }
  | { kind: "unconfined" }
  | { kind: "custom"; json: string };

/**
 * Compiled filters, cached in memory per (profile, capability set): the
 * first container with a given pair pays the compile (a few ms in JS), the
 * rest reuse the base64. At most `max` entries; the oldest goes first.
 * Not persisted: a daemon restart recompiles on the next start.
 */
export class SeccompFilters {
  readonly #cache = new Map<string, SeccompSetup>();
  readonly #arch: string;
  readonly #kernel: [number, number];
  readonly #max: number;
  readonly #default: SeccompChoice;

  /**
   * `arch` and `kernel` default to the host's (tests pass their own).
   * `defaultProfile` is daemon.json's `seccomp-profile`: the JSON text of
   * the profile containers get when they ask for none, or "unconfined" /
   * "builtin" (Docker's built-in one, the default).
   */
  constructor(
    o: {
      arch?: string;
      kernel?: [number, number];
      max?: number;
      defaultProfile?: string;
    } = {},
  ) {
    this.#arch = o.arch ?? nativeArch();
    this.#kernel = o.kernel ?? kernelOf(release());
    this.#max = o.max ?? 64;
    const d = o.defaultProfile ?? "builtin";
    this.#default =
      d === "builtin" || d === ""
        ? { kind: "default" }
        : d === "unconfined"
          ? { kind: "unconfined" }
          : { kind: "custom", json: d };
  }

  /**
   * The filter for a container with bounding capabilities `caps`. Docker's
   * rule (moby daemon/seccomp_linux.go): unconfined → none; privileged →
   * none unless a custom profile was given. Throws InvalidArgumentError for
   * a profile that does not decode or compile.
   */
  forContainer(
    choice: SeccompChoice,
    o: { caps: readonly string[]; privileged: boolean },
  ): SeccompSetup {
    if (o.privileged && choice.kind === "default") return { kind: "none" };
    // The daemon's seccomp-profile stands in for the built-in one.
    if (choice.kind === "default") choice = this.#default;
    if (choice.kind === "unconfined") return { kind: "none" };
    const text = choice.kind === "custom" ? choice.json : DEFAULT_PROFILE_TEXT;
    const caps = [...o.caps].sort().join(",");
    const key = `${createHash("sha256").update(text).digest("hex")}/${caps}`;
    const hit = this.#cache.get(key);
    if (hit) return hit;
    const profile: SeccompProfile =
      choice.kind === "custom" ? parseProfile(text) : DEFAULT_PROFILE;
    const setup = this.#build(profile, o.caps);
    if (this.#cache.size >= this.#max)
      this.#cache.delete(this.#cache.keys().next().value!);
    this.#cache.set(key, setup);
    return setup;
  }

  /** Number of cached filters (for tests and /info-style debugging). */
  get size(): number {
    return this.#cache.size;
  }

  #build(profile: SeccompProfile, caps: readonly string[]): SeccompSetup {
    const resolved = resolveProfile(profile, {
      caps,
      nativeArch: this.#arch,
      kernel: this.#kernel,
    });
    if (!resolved) return { kind: "none" };
    // compat: crun adds SECCOMP_FILTER_FLAG_SPEC_ALLOW when the spec names
    // no flags (its "sane default"), which exempts the container from the
    // kernel's SSBD mitigation on hosts where spec_store_bypass_disable=
    // seccomp. Docker (runc + libseccomp) loads the filter without it, so an
    // explicit empty list keeps crun to the profile's own flags.
    const seccomp = { ...resolved, flags: resolved.flags ?? [] };
    if (this.#arch !== "amd64") return { kind: "oci", seccomp };
    const program = compileX86(resolved);
    return {
      kind: "bpf",
      base64: encode(program).toString("base64"),
      instructions: program.length,
      seccomp,
    };
  }
}

/** "6.18.44-fc" → [6, 18] (Docker's kernel check ignores the rest). */
export function kernelOf(rel: string): [number, number] {
  const m = /^(\d+)\.(\d+)/.exec(rel);
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}
