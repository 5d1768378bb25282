/**
 * How a container's seccomp filter reaches the OCI runtime binary: one
 * choice per runtime. The engine hands over the runtime-spec profile
 * (spec.linux.seccomp) and, on hosts it compiles for, the same filter as a
 * BPF program (CreateOptions.seccompFilter).
 *
 * - crun (≥ 0.18) loads a program from the annotation
 *   `run.oci.seccomp_bpf_data` as is and then never compiles linux.seccomp
 *   (crun container.c: libcrun_copy_seccomp instead of
 *   libcrun_generate_seccomp). linux.seccomp keeps only what crun still
 *   reads there, the flags (none named: crun adds
 *   SECCOMP_FILTER_FLAG_SPEC_ALLOW, an explicit [] keeps it out), and the
 *   default action. The rules would only be parsed again by every crun
 *   command that loads the config (create, start, exec, delete).
 * - runc and any other runtime: linux.seccomp, compiled by the runtime with
 *   libseccomp; no annotation (runc ignores it, so a container got no
 *   filter at all when only the annotation carried it).
 *
 * Fails closed: a crun that ignored the annotation would compile a profile
 * of only its default action (SCMP_ACT_ERRNO for Docker's: nothing runs).
 */
import { basename } from "node:path";
import type { OciSeccomp, OciSpec } from "./oci-spec.ts";

/** crun's annotation for a precompiled filter (crun(1), "run.oci.seccomp_bpf_data"). */
export const CRUN_SECCOMP_ANNOTATION = "run.oci.seccomp_bpf_data";

/** Whether the runtime binary at `path` is crun (by its file name). */
export function isCrun(path: string): boolean {
  return basename(path) === "crun";
}

/**
 * The spec to write for a runtime: for crun with a precompiled `filter`,
 * the annotation plus linux.seccomp reduced to its default action and
 * flags; otherwise `spec` itself (linux.seccomp whole, `filter` unused).
 * Never changes `spec`.
 */
export function specForRuntime(
  spec: OciSpec,
  filter: string | undefined,
  crun: boolean,
): OciSpec {
  const seccomp = spec.linux.seccomp;
  if (!crun || !filter || !seccomp) return spec;
  const kept: OciSeccomp = { defaultAction: seccomp.defaultAction };
  if (seccomp.flags) kept.flags = seccomp.flags;
  if (seccomp.defaultErrnoRet !== undefined)
    kept.defaultErrnoRet = seccomp.defaultErrnoRet;
  return {
    ...spec,
    annotations: { ...spec.annotations, [CRUN_SECCOMP_ANNOTATION]: filter },
    linux: { ...spec.linux, seccomp: kept },
  };
}
