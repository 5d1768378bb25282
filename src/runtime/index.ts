export type {
  OciRuntime,
  CreateOptions,
  AttachOptions,
  AttachConnection,
  ExecOptions,
  ExecHandle,
  RuntimeState,
  ExitStatus,
} from "./oci-runtime.ts";
export type {
  OciSpec,
  OciProcess,
  OciMount,
  OciRlimit,
  OciNamespace,
  OciResources,
  OciDevice,
  OciThrottleDevice,
  OciSeccomp,
} from "./oci-spec.ts";
export { ConmonRuntime } from "./conmon-runtime.ts";
export { execDirect } from "./posix-spawn.ts";
export { RuntimeSet } from "./runtime-set.ts";
export { FakeRuntime } from "./fake-runtime.ts";
export { ensureCgroupV1Controllers } from "./cgroups.ts";
export { clampRlimits, parseHardLimits } from "./rlimits.ts";
export {
  K8sLogJoiner,
  parseK8sLine,
  rfc3339ToNano,
  type LogMessage,
} from "./k8s-log.ts";
