import type { Platform } from "../../oci/image.ts";
import { formatPlatform } from "../../registry/client/platform.ts";
import { NotFoundError } from "../../util/errors.ts";

/** The os/architecture/variant of an image config. */
type ConfigPlatform = { os?: string; architecture?: string; variant?: string };

const ARCH_ALIASES: Record<string, string> = {
  x86_64: "amd64",
  "x86-64": "amd64",
  aarch64: "arm64",
};

/** compat: containerd's platforms.Only: an arm/vN request also runs older arm variants. */
const ARM_FALLBACK: Record<string, string[]> = {
  v8: ["v8", "v7", "v6", "v5"],
  v7: ["v7", "v6", "v5"],
  v6: ["v6", "v5"],
};

/**
 * True when an image config's platform satisfies a requested one (moby's
 * OnlyPlatformWithFallback for a single-platform store): same os and
 * architecture; a requested variant must match, where arm64's "v8" is the
 * same as none and an arm/v7 request accepts v6 and v5 images.
 */
export function platformMatches(
  config: ConfigPlatform,
  want: Platform,
): boolean {
  const arch = (a: string | undefined): string =>
    ARCH_ALIASES[(a ?? "").toLowerCase()] ?? (a ?? "").toLowerCase();
  if ((config.os ?? "").toLowerCase() !== want.os.toLowerCase()) return false;
  const a = arch(config.architecture);
  if (a !== arch(want.architecture)) return false;
  const norm = (v: string | undefined): string =>
    a === "arm64" && v === "v8" ? "" : (v ?? "");
  const wv = norm(want.variant);
  if (wv === "") return true;
  const have = norm(config.variant) || (a === "arm" ? "v7" : "");
  if (a === "arm") return (ARM_FALLBACK[wv] ?? [wv]).includes(have);
  return have === wv;
}

/**
 * Throws NotFoundError with dockerd 28's text when the image `name` (as the
 * client wrote it) does not match the requested platform. compat: 404, so
 * clients read it as "no such image" for that platform.
 */
export function checkImagePlatform(
  name: string,
  config: ConfigPlatform,
  want: Platform | undefined,
): void {
  if (want === undefined || platformMatches(config, want)) return;
  const actual = formatPlatform({
    os: config.os ?? "",
    architecture: config.architecture ?? "",
    ...(config.variant ? { variant: config.variant } : {}),
  });
  throw new NotFoundError(
    `image with reference ${name} was found but does not match the specified platform: wanted ${formatPlatform(want)}, actual: ${actual}`,
  );
}
