import type { HealthConfig } from "../../api/containers.ts";

/**
 * A healthcheck over an earlier one (moby daemon/commit.go merge): the
 * fields `user` leaves at zero or empty come from `image`. Containers merge
 * the create body's with the image's; the legacy builder's steps, committed
 * from such containers, merge a new HEALTHCHECK with the parent's.
 */
export function mergeHealthcheck(
  user: HealthConfig,
  image: HealthConfig | undefined,
): HealthConfig;
export function mergeHealthcheck(
  user: HealthConfig | undefined,
  image: HealthConfig | undefined,
): HealthConfig | undefined;
export function mergeHealthcheck(
  user: HealthConfig | undefined,
  image: HealthConfig | undefined,
): HealthConfig | undefined {
  if (!user) return image ? { ...image } : undefined;
  if (!image) return user;
  const out: HealthConfig = { ...user };
  if (!out.Test?.length && image.Test) out.Test = image.Test;
  for (const k of [
    "Interval",
    "Timeout",
    "StartPeriod",
    "StartInterval",
    "Retries",
  ] as const)
    if (!out[k] && image[k]) out[k] = image[k];
  return out;
}
