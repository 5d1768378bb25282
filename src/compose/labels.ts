/**
 * Docker Compose v2's object names and labels, which `up` writes and every
 * other command (and `docker compose` itself) finds objects by:
 * containers `<project>-<service>-<n>`, networks `<project>_<key>`, volumes
 * `<project>_<key>`, and the com.docker.compose.* labels.
 */
import { createHash } from "node:crypto";
import type { Project, Service } from "./model.ts";

/** The compose version wharf writes in com.docker.compose.version (the Compose v2 release whose behaviour it follows). */
export const COMPOSE_VERSION = "2.29.7";

/** Label keys. */
export const LABEL = {
  project: "com.docker.compose.project",
  service: "com.docker.compose.service",
  number: "com.docker.compose.container-number",
  hash: "com.docker.compose.config-hash",
  configFiles: "com.docker.compose.project.config_files",
  workingDir: "com.docker.compose.project.working_dir",
  oneoff: "com.docker.compose.oneoff",
  dependsOn: "com.docker.compose.depends_on",
  version: "com.docker.compose.version",
  image: "com.docker.compose.image",
  network: "com.docker.compose.network",
  volume: "com.docker.compose.volume",
} as const;

/** The container name of replica n (compose v2: dashes). */
export function containerName(
  project: string,
  service: string,
  n: number,
): string {
  return `${project}-${service}-${n}`;
}

/** The image name compose gives a built service without `image:`. */
export function defaultImage(project: string, service: Service): string {
  return service.image ?? `${project}-${service.name}`;
}

/** Label filter matching every object of the project. */
export function projectFilter(
  project: string,
  extra: string[] = [],
): Record<string, string[]> {
  return { label: [`${LABEL.project}=${project}`, ...extra] };
}

/** The depends_on label: "db:service_healthy:false,cache:service_started:false". */
export function dependsOnLabel(service: Service): string {
  return Object.entries(service.depends_on ?? {})
    .map(([dep, d]) => `${dep}:${d.condition}:${String(d.restart ?? false)}`)
    .join(",");
}

/**
 * The config hash: sha256 of the service's normalized definition without the
 * keys that do not change a container (build, pull policy, scale, replicas,
 * profiles), as compose's ServiceHash. `up` recreates a container whose label
 * differs.
 */
export function configHash(service: Service): string {
  const copy: Record<string, unknown> = { ...service };
  for (const k of ["build", "pull_policy", "scale", "profiles", "develop"])
    delete copy[k];
  if (service.deploy) {
    const deploy: Record<string, unknown> = { ...service.deploy };
    delete deploy.replicas;
    copy.deploy = deploy;
  }
  return createHash("sha256").update(stableJson(copy)).digest("hex");
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (v && typeof v === "object")
    return `{${Object.keys(v)
      .sort()
      .map(
        (k) =>
          `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`,
      )
      .join(",")}}`;
  return JSON.stringify(v) ?? "null";
}

/** The labels of a service container. */
export function containerLabels(
  project: Project,
  service: Service,
  options: { number: number; oneoff?: boolean; imageId?: string },
): Record<string, string> {
  return {
    ...(service.labels ?? {}),
    [LABEL.project]: project.name,
    [LABEL.service]: service.name,
    [LABEL.number]: String(options.number),
    [LABEL.hash]: configHash(service),
    [LABEL.configFiles]: project.configFiles.join(","),
    [LABEL.workingDir]: project.workingDir,
    [LABEL.oneoff]: options.oneoff ? "True" : "False",
    [LABEL.dependsOn]: dependsOnLabel(service),
    [LABEL.version]: COMPOSE_VERSION,
    ...(options.imageId ? { [LABEL.image]: options.imageId } : {}),
  };
}
