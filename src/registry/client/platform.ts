import { arch } from "node:os";
import type { Descriptor, Platform } from "../../oci/image.ts";

/** Node's arch names → OCI's (image-index.md "architecture"). */
const OCI_ARCH: Record<string, string> = {
  x64: "amd64",
  arm64: "arm64",
  arm: "arm",
  ia32: "386",
  ppc64: "ppc64le",
  s390x: "s390x",
  riscv64: "riscv64",
};

/** This machine's platform: linux/<arch> (arm reports variant v7, as containerd's default). */
export function hostPlatform(): Platform {
  const architecture = OCI_ARCH[arch()] ?? arch();
  return architecture === "arm"
    ? { os: "linux", architecture, variant: "v7" }
    : { os: "linux", architecture };
}

/**
 * Parses "os[/arch[/variant]]" as Docker's platforms.Parse does for the
 * common forms (a bare arch means linux/<arch>). Returns undefined for "".
 * Throws an Error with containerd's wording for a malformed specifier.
 */
export function parsePlatform(s: string): Platform | undefined {
  if (s === "") return undefined;
  const parts = s.toLowerCase().split("/");
  if (parts.length > 3 || parts.some((p) => !/^[a-z0-9_.-]+$/.test(p)))
    throw new Error(
      `"${s}": unknown operating system or architecture: invalid argument`,
    );
  const known = ["linux", "windows", "darwin", "freebsd"];
  const variant = parts[2];
  let os = parts[0]!;
  let architecture = parts[1];
  if (architecture === undefined) {
    if (known.includes(os)) architecture = hostPlatform().architecture;
    else [os, architecture] = ["linux", os];
  }
  if (architecture === "x86_64" || architecture === "x86-64")
    architecture = "amd64";
  if (architecture === "aarch64") architecture = "arm64";
  const p: Platform = { os, architecture };
  if (variant) p.variant = variant;
  else if (architecture === "arm") p.variant = "v7";
  return p;
}

/** "linux/amd64", "linux/arm/v7". */
export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join("/");
}

/**
 * The index entry for a platform: os and architecture must match; a wanted
 * variant must match (arm64's v8 counts as none). Attestation manifests
 * (platform unknown/unknown) never match.
 */
export function matchPlatform(
  manifests: readonly Descriptor[],
  want: Platform,
): Descriptor | undefined {
  const norm = (v: string | undefined, a: string): string | undefined =>
    a === "arm64" && v === "v8" ? undefined : v || undefined;
  return manifests.find((m) => {
    const p = m.platform;
    if (!p || p.os !== want.os || p.architecture !== want.architecture)
      return false;
    const wv = norm(want.variant, want.architecture);
    return wv === undefined || norm(p.variant, p.architecture) === wv;
  });
}
