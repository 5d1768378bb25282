/**
 * Create-time isolation rules beyond host-config-checks.ts (issue #13):
 * Docker's --memory-swap default (twice --memory when unset, moby
 * adaptContainerSettings), sysctls only where they are namespaced, and
 * --privileged's warning naming the capabilities this host's bounding set
 * withholds (Docker's own --privileged fails outright on such a host).
 */
import type { HostConfig } from "../../api/containers.ts";
import { checkSysctls } from "../../security/index.ts";
import { ALL_CAPS } from "./caps.ts";
import { hostBoundingSet } from "./host-caps.ts";

/**
 * Applies the defaults to `hc` (mutates) and checks it. Returns warnings;
 * throws InvalidArgumentError for sysctls the container may not set.
 */
export function checkIsolation(
  hc: HostConfig,
  bounding: Set<string> = hostBoundingSet(),
): string[] {
  const warnings: string[] = [];
  // compat: moby: MemorySwap 0 with a memory limit means twice the limit.
  if (hc.Memory > 0 && !hc.MemorySwap) hc.MemorySwap = hc.Memory * 2;
  const sysctls = hc.Sysctls;
  if (sysctls && typeof sysctls === "object")
    checkSysctls(sysctls as Record<string, unknown>, {
      hostIpc: hc.IpcMode === "host",
      hostNetwork: hc.NetworkMode === "host",
    });
  if (hc.Privileged) {
    const missing = ALL_CAPS.filter((c) => !bounding.has(c));
    if (missing.length)
      warnings.push(
        `Privileged: this host's capability bounding set lacks ${missing.join(", ")}: the container runs without them`,
      );
  }
  return warnings;
}
