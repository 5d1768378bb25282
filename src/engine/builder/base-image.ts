import type { Credentials } from "../../registry/client/auth.ts";
import {
  InvalidReferenceError,
  parseNormalizedReference,
} from "../../oci/reference.ts";
import { InvalidArgumentError } from "../../util/errors.ts";
import type { BuildJob } from "./types.ts";

/**
 * The image a FROM names: the local one, else (or always, with `pull`) the
 * one pulled from its registry, as Docker's legacy builder does. The pull's
 * progress goes into the build's output (status lines the CLI draws as
 * bars); credentials come from X-Registry-Config, keyed by registry.
 */
export async function baseImage(job: BuildJob, name: string): Promise<string> {
  const local = await job.deps.images.resolve(name).then(
    (r) => r.id,
    () => undefined,
  );
  if (local !== undefined && !job.options.pull) return local;
  let ref;
  try {
    ref = parseNormalizedReference(name);
  } catch (err) {
    if (err instanceof InvalidReferenceError)
      throw new InvalidArgumentError(err.message);
    throw err;
  }
  // compat: an untagged FROM means :latest, never "every tag".
  const tag = ref.digest ?? ref.tag ?? "latest";
  await job.deps.images.pull(`${ref.domain}/${ref.path}`, {
    tag,
    credentials: credentialsFor(job.options.registryAuths, ref.domain),
    progress: (m) => job.emit(m),
    ...(job.options.signal ? { signal: job.options.signal } : {}),
  });
  return (await job.deps.images.resolve(name)).id;
}

/**
 * The credentials X-Registry-Config holds for domain. Its keys are what the
 * Docker CLI stores logins under: "host[:port]", possibly with a scheme and
 * a path, and "https://index.docker.io/v1/" for Docker Hub.
 */
export function credentialsFor(
  auths: Record<string, Credentials>,
  domain: string,
): Credentials {
  for (const [key, creds] of Object.entries(auths)) {
    const host = key
      .replace(/^[a-z]+:\/\//i, "")
      .replace(/\/.*$/, "")
      .toLowerCase();
    const same =
      host === domain ||
      (domain === "docker.io" &&
        ["index.docker.io", "registry-1.docker.io", "docker.io"].includes(
          host,
        ));
    if (same) return creds;
  }
  return {};
}
