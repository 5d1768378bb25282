import { checkGoBody } from "../../api/body-check.ts";
import type { ContainerConfig, HostConfig } from "../../api/containers.ts";
import type { ContainerRecord } from "./record.ts";

/**
 * Checks the Docker-facing parts of a record read back from disk (config,
 * hostConfig) against the Go types dockerd uses, as request bodies are, and
 * drops wrongly typed fields in place, so that one record written by an
 * older wharf (or edited by hand) cannot make every listing fail in
 * clients' decoders. Returns the refusals (Go's texts); empty when clean.
 */
export function repairRecord(r: ContainerRecord): string[] {
  const checked = checkGoBody(
    "containerCreate",
    { ...r.config, HostConfig: r.hostConfig },
    { repair: true },
  );
  if ("error" in checked) return [checked.error];
  if (checked.dropped.length === 0) return [];
  const { HostConfig: host, ...config } = checked.value as ContainerConfig & {
    HostConfig?: HostConfig;
  };
  r.config = config;
  r.hostConfig = host ?? ({} as HostConfig);
  return checked.dropped;
}
