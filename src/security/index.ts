/**
 * Container security options: HostConfig.SecurityOpt parsing and seccomp
 * (Docker's default profile, its per-container resolution, a BPF compiler
 * and a cache of compiled filters). The only importable surface of
 * src/security; it depends on util/ alone.
 */
export { DEFAULT_CAPS } from "./caps.ts";
export { parseSecurityOpt, type SecurityOptions } from "./options.ts";
export {
  SeccompFilters,
  type SeccompChoice,
  type SeccompSetup,
} from "./seccomp/filters.ts";
export type { ResolvedProfile } from "./seccomp/profile.ts";
export { checkSysctls, type SysctlContext } from "./sysctl.ts";
